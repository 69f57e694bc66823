(function () { /* tests/browser/checker.js: count the charts with no size */
  var c = document.querySelectorAll("svg.chart"), zero = 0, i, r;
  for (i = 0; i < c.length; i++) {
    r = c[i].getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) zero++;
  }
  var p = document.createElement("pre");
  p.id = "gw-check";
  p.textContent = "charts=" + c.length + " zero=" + zero;
  document.body.appendChild(p);
})();
