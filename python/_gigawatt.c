/* python/_gigawatt.c — the CPython extension `_gigawatt` (python front end):
 * gw_command_run (include/gigawatt/command.h) behind one generic entry,
 * run(), plus the lists of commands and of each command's options. The
 * friendly per-command functions live in python/gigawatt/__init__.py.
 *
 * Written against CPython's limited (stable) API, so one build serves every
 * Python from 3.11 on; no binding generator, no third-party code. A run
 * releases the GIL; its progress callback takes the GIL back to call the
 * caller's Python callback and to see Ctrl-C (PyErr_CheckSignals). */
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdlib.h>
#include <string.h>

#include "gigawatt/command.h"

typedef struct module_state {
    PyObject *scenario_error; /* gigawatt.ScenarioError, a ValueError */
} module_state;

/* What the progress callback shares with run(): the Python callback (or
 * NULL) and the exception that stopped the run, kept until the GIL-less
 * call has returned. */
typedef struct progress_state {
    PyObject *callback;
    PyObject *exc_type, *exc_value, *exc_traceback;
} progress_state;

/* Called by the library, GIL released, from the thread running the command.
 * Nonzero stops the run (GW_E_STOPPED); the exception waits in `ps`. */
static int progress_trampoline(void *user, double done, double total, double items)
{
    progress_state *ps = user;
    PyGILState_STATE gil = PyGILState_Ensure();
    int stop = 0;
    if (PyErr_CheckSignals() < 0) {
        stop = 1;
    } else if (ps->callback) {
        PyObject *r = PyObject_CallFunction(ps->callback, "ddd", done, total, items);
        if (r)
            Py_DECREF(r);
        else
            stop = 1;
    }
    if (stop && !ps->exc_type)
        PyErr_Fetch(&ps->exc_type, &ps->exc_value, &ps->exc_traceback);
    else if (stop)
        PyErr_Clear(); /* the first exception is the one that stopped the run */
    PyGILState_Release(gil);
    return stop;
}

/* A sequence of str as a malloc'd array of UTF-8 pointers. The items stay
 * alive in `keep` (a list) until the run is over. Returns -1 with an
 * exception set. */
static int string_array(PyObject *seq, const char *what, PyObject *keep, const char ***out,
                        int *n)
{
    *out = NULL;
    *n = 0;
    if (seq == Py_None)
        return 0;
    Py_ssize_t len = PySequence_Size(seq);
    if (len < 0)
        return -1;
    if (len > 100000) {
        PyErr_Format(PyExc_ValueError, "%s: too many items", what);
        return -1;
    }
    *out = calloc((size_t)len + 1, sizeof **out);
    if (!*out) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *item = PySequence_GetItem(seq, i);
        if (!item)
            return -1;
        int kept = PyList_Append(keep, item);
        Py_DECREF(item);
        if (kept < 0)
            return -1;
        if (!PyUnicode_Check(item)) {
            PyErr_Format(PyExc_TypeError, "%s: expected str items", what);
            return -1;
        }
        (*out)[i] = PyUnicode_AsUTF8AndSize(item, NULL);
        if (!(*out)[i])
            return -1;
    }
    *n = (int)len;
    return 0;
}

/* A sequence of (name, value-or-None) pairs as gw_command_option[]; the
 * pairs stay alive in `keep`. */
static int option_array(PyObject *seq, PyObject *keep, gw_command_option **out, int *n)
{
    *out = NULL;
    *n = 0;
    if (seq == Py_None)
        return 0;
    PyObject *pairs = PySequence_Tuple(seq);
    if (!pairs)
        return -1;
    int kept = PyList_Append(keep, pairs);
    Py_DECREF(pairs); /* `keep` holds it now */
    if (kept < 0)
        return -1;
    Py_ssize_t len = PyTuple_Size(pairs);
    *out = calloc((size_t)len + 1, sizeof **out);
    if (!*out) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *name = NULL, *value = NULL;
        if (!PyArg_ParseTuple(PyTuple_GetItem(pairs, i), "UO:option", &name, &value))
            return -1;
        if (value != Py_None && !PyUnicode_Check(value)) {
            PyErr_Format(PyExc_TypeError, "option %S: the value must be str or None", name);
            return -1;
        }
        (*out)[i] = (gw_command_option){
            .name = PyUnicode_AsUTF8AndSize(name, NULL),
            .value = value == Py_None ? NULL : PyUnicode_AsUTF8AndSize(value, NULL),
        };
        if (!(*out)[i].name || (value != Py_None && !(*out)[i].value))
            return -1;
    }
    *n = (int)len;
    return 0;
}

/* exc.name = value, taking the reference to value (which may be NULL on a
 * failed conversion). */
static int set_attr_steal(PyObject *exc, const char *name, PyObject *value)
{
    int rc = value ? PyObject_SetAttrString(exc, name, value) : -1;
    Py_XDECREF(value);
    return rc;
}

/* Raise the Python exception for a library error: ScenarioError (bad
 * input, limits, usage), MemoryError or OSError. */
static void raise_gw_error(module_state *st, const gw_error *err)
{
    char text[1024];
    gw_error_format(err, text, sizeof text);
    if (err->code == GW_E_NOMEM) {
        PyErr_NoMemory();
        return;
    }
    if (err->code == GW_E_IO) {
        PyErr_SetString(PyExc_OSError, text);
        return;
    }
    PyObject *exc = PyObject_CallFunction(st->scenario_error, "s", text);
    if (!exc)
        return;
    PyObject *file = err->file[0] ? PyUnicode_FromString(err->file) : Py_NewRef(Py_None);
    if (set_attr_steal(exc, "file", file) == 0 &&
        set_attr_steal(exc, "line", PyLong_FromLong(err->line)) == 0 &&
        set_attr_steal(exc, "col", PyLong_FromLong(err->col)) == 0 &&
        set_attr_steal(exc, "message", PyUnicode_FromString(err->msg)) == 0 &&
        set_attr_steal(exc, "code", PyLong_FromLong(err->code)) == 0)
        PyErr_SetObject(st->scenario_error, exc);
    Py_DECREF(exc);
}

/* The outputs as {json, text, csv, html}: str, or None when not produced. */
static PyObject *output_dict(const gw_command_output *out)
{
    const struct {
        const char *key, *value;
    } fields[] = {{"json", out->json}, {"text", out->text}, {"csv", out->csv}, {"html", out->html}};
    PyObject *d = PyDict_New();
    for (size_t i = 0; d && i < sizeof fields / sizeof fields[0]; i++) {
        const char *s = fields[i].value;
        PyObject *v = s ? PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "strict")
                        : Py_NewRef(Py_None);
        if (!v || PyDict_SetItemString(d, fields[i].key, v) < 0) {
            Py_XDECREF(v);
            Py_CLEAR(d);
            break;
        }
        Py_DECREF(v);
    }
    return d;
}

/* Run the request with the GIL released; raise or return the outputs. */
static PyObject *run_request(module_state *st, gw_command_request *req, progress_state *ps)
{
    gw_command_output out = {0};
    gw_error err = {0};
    int rc;
    req->progress = progress_trampoline;
    req->progress_user = ps;
    Py_BEGIN_ALLOW_THREADS
    rc = gw_command_run(req, &out, &err);
    Py_END_ALLOW_THREADS
    PyObject *result = NULL;
    if (ps->exc_type) {
        /* the callback raised (KeyboardInterrupt included): that exception,
         * and nothing of a half-finished run */
        PyErr_Restore(ps->exc_type, ps->exc_value, ps->exc_traceback);
        ps->exc_type = ps->exc_value = ps->exc_traceback = NULL;
    } else if (rc == GW_E_STOPPED) {
        PyErr_SetNone(PyExc_KeyboardInterrupt);
    } else if (rc != GW_OK) {
        raise_gw_error(st, &err);
    } else {
        result = output_dict(&out);
    }
    gw_command_output_free(&out);
    return result;
}

PyDoc_STRVAR(run_doc,
"run(command, scenario_path=None, scenario_text=None, scenario_name=None,\n"
"    positional=(), sets=(), options=(), catalog_dir=None, want_json=True,\n"
"    want_text=False, progress=None) -> dict\n"
"\n"
"Run one gigawatt command through gw_command_run. `sets` are 'key.path=value'\n"
"strings, `options` (name, value-or-None) pairs named by the long flag.\n"
"Returns {'json', 'text', 'csv', 'html'}: str, or None when not produced.\n"
"progress(done, total, items) is called from time to time; an exception it\n"
"raises (or Ctrl-C) stops the run and propagates.");

static PyObject *py_run(PyObject *module, PyObject *args, PyObject *kwargs)
{
    /* automatic, not static: the parser only reads it (CPython < 3.13 types it char **) */
    char *kwlist[] = {"command", "scenario_path", "scenario_text", "scenario_name",
                      "positional", "sets", "options", "catalog_dir", "want_json",
                      "want_text", "progress", NULL};
    gw_command_request req = {.want_json = 1};
    PyObject *positional = Py_None, *sets = Py_None, *options = Py_None, *callback = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|zzzOOOzppO:run", kwlist, &req.command,
                                     &req.scenario_path, &req.scenario_text,
                                     &req.scenario_name, &positional, &sets, &options,
                                     &req.catalog_dir, &req.want_json, &req.want_text,
                                     &callback))
        return NULL;
    if (callback != Py_None && !PyCallable_Check(callback)) {
        PyErr_SetString(PyExc_TypeError, "run: progress must be callable or None");
        return NULL;
    }
    PyObject *keep = PyList_New(0), *result = NULL;
    gw_command_option *opts = NULL;
    if (!keep)
        return NULL;
    if (string_array(positional, "positional", keep, (const char ***)&req.positional,
                     &req.npositional) == 0 &&
        string_array(sets, "sets", keep, (const char ***)&req.sets, &req.nsets) == 0 &&
        option_array(options, keep, &opts, &req.noptions) == 0) {
        req.options = opts;
        progress_state ps = {.callback = callback == Py_None ? NULL : callback};
        result = run_request(PyModule_GetState(module), &req, &ps);
    }
    free((void *)req.positional);
    free((void *)req.sets);
    free(opts);
    Py_DECREF(keep);
    return result;
}

/* A NULL-terminated list of C strings as a tuple of str. */
static PyObject *name_tuple(const char *const *names)
{
    Py_ssize_t n = 0;
    while (names[n])
        n++;
    PyObject *t = PyTuple_New(n);
    for (Py_ssize_t i = 0; t && i < n; i++) {
        PyObject *s = PyUnicode_FromString(names[i]);
        if (!s || PyTuple_SetItem(t, i, s) < 0)
            Py_CLEAR(t);
    }
    return t;
}

static PyObject *py_commands(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return name_tuple(gw_command_names());
}

static PyObject *py_options(PyObject *module, PyObject *args)
{
    (void)module;
    const char *command;
    if (!PyArg_ParseTuple(args, "s:options", &command))
        return NULL;
    const char *const *names = gw_command_options(command);
    if (!names)
        return PyErr_Format(PyExc_ValueError, "no gigawatt command '%s'", command);
    return name_tuple(names);
}

static PyMethodDef methods[] = {
    {"run", (PyCFunction)(void (*)(void))py_run, METH_VARARGS | METH_KEYWORDS, run_doc},
    {"commands", py_commands, METH_NOARGS, "The commands gw_command_run knows, as a tuple."},
    {"options", py_options, METH_VARARGS,
     "options(command) -> the command's option names (long flags without '--')."},
    {NULL, NULL, 0, NULL},
};

static int module_traverse(PyObject *module, visitproc visit, void *arg)
{
    module_state *st = PyModule_GetState(module);
    Py_VISIT(st->scenario_error);
    return 0;
}

static int module_clear(PyObject *module)
{
    module_state *st = PyModule_GetState(module);
    Py_CLEAR(st->scenario_error);
    return 0;
}

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_gigawatt",
    .m_doc = "libgigawatt's gw_command_run for Python; use the `gigawatt` package.",
    .m_size = sizeof(module_state),
    .m_methods = methods,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
};

PyMODINIT_FUNC PyInit__gigawatt(void);
PyMODINIT_FUNC PyInit__gigawatt(void)
{
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    module_state *st = PyModule_GetState(m);
    st->scenario_error = PyErr_NewExceptionWithDoc(
        "gigawatt.ScenarioError",
        "A bad scenario, override or option. str(e) is the CLI's 'file:line:col: message';\n"
        "e.file (None without a place), e.line, e.col (1-based, 0 without a place),\n"
        "e.message (the one-line message) and e.code (a GW_E_* status).",
        PyExc_ValueError, NULL);
    if (!st->scenario_error ||
        PyModule_AddObjectRef(m, "ScenarioError", st->scenario_error) < 0 ||
        PyModule_AddStringConstant(m, "version", GW_VERSION) < 0 ||
        PyModule_AddIntConstant(m, "E_INPUT", GW_E_INPUT) < 0 ||
        PyModule_AddIntConstant(m, "E_IO", GW_E_IO) < 0 ||
        PyModule_AddIntConstant(m, "E_NOMEM", GW_E_NOMEM) < 0 ||
        PyModule_AddIntConstant(m, "E_LIMIT", GW_E_LIMIT) < 0 ||
        PyModule_AddIntConstant(m, "E_USAGE", GW_E_USAGE) < 0 ||
        PyModule_AddIntConstant(m, "E_STOPPED", GW_E_STOPPED) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
