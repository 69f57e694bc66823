(function () { /* tests/browser/checker.js: what every chart must have (issue 7) */
  var c = document.querySelectorAll("svg.chart"), zero = 0, bad = [], i, r;
  for (i = 0; i < c.length; i++) {
    var s = c[i], why = [];
    r = s.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) zero++;
    var t = s.querySelector("text.title");
    var name = t ? t.textContent : "chart " + i;
    if (!t || !t.textContent.trim()) why.push("no title");
    /* axis labels, one of them with its unit in parentheses */
    var labs = s.querySelectorAll("text.lab"), unit = false, j;
    for (j = 0; j < labs.length; j++) if (/\(.+\)/.test(labs[j].textContent)) unit = true;
    if (labs.length < 1 || !unit) why.push("no axis label with a unit");
    if (s.querySelectorAll(".leg").length < 1) why.push("no legend");
    /* the numbers one click away: a <details> with a table right after */
    var fig = s.closest("figure"), next = fig ? fig.nextElementSibling : null;
    if (!next || next.tagName !== "DETAILS" || !next.querySelector("table tr td"))
      why.push("no numbers table under it");
    if (why.length) bad.push(name + ": " + why.join(", "));
  }
  var p = document.createElement("pre");
  p.id = "gw-check";
  p.textContent = "charts=" + c.length + " zero=" + zero + " bad=" + bad.length +
      (bad.length ? " [" + bad.join("; ") + "]" : "");
  document.body.appendChild(p);
})();
