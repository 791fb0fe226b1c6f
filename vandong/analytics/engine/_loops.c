/* The rollup's loops over tens of millions of rows, in C.
 *
 * The same loops as `jitted.py` (Numba), which `kernels.py` falls back to
 * where this module was not built: a process imports this one at once,
 * where Numba takes most of a second to load. Arrays come in and go out as
 * buffers of the types `kernels.py` makes sure of (C order); an output too
 * long to size beforehand is counted by a first call with empty outputs.
 * Every loop runs without Python's lock: batches run on several threads. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define SHIFT ((int64_t)1 << 40)
#define MIXED ((long long)INT32_MIN)

typedef struct {
    Py_buffer view;
    int held;
} Buf;

static void release(Buf *bufs, int n) {
    for (int i = 0; i < n; i++) {
        if (bufs[i].held) {
            PyBuffer_Release(&bufs[i].view);
            bufs[i].held = 0;
        }
    }
}

static int take_buffer(PyObject *obj, Buf *buf, int writable) {
    int flags = writable ? (PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) : PyBUF_C_CONTIGUOUS;
    if (PyObject_GetBuffer(obj, &buf->view, flags) != 0) {
        return -1;
    }
    buf->held = 1;
    return 0;
}

/* Buffers of the arguments: `spec` has one letter per object, r (read) or
 * w (written). */
static int take_buffers(PyObject **objs, const char *spec, Buf *bufs) {
    for (int i = 0; spec[i]; i++) {
        bufs[i].held = 0;
    }
    for (int i = 0; spec[i]; i++) {
        if (take_buffer(objs[i], &bufs[i], spec[i] == 'w') != 0) {
            release(bufs, i);
            return -1;
        }
    }
    return 0;
}

#define DATA(b, type) ((type *)(b).view.buf)
#define LEN(b, type) ((Py_ssize_t)((b).view.len / (Py_ssize_t)sizeof(type)))

/* accumulate(measure_bin i64, measure_offset, unit_bin i64, measures i32,
 * units i32, years i32, values f64, counts i32 (empty: 1 each), estimates
 * bool (empty: none), sums f64, tally i64, flagged bool) */
static PyObject *accumulate(PyObject *self, PyObject *args) {
    PyObject *o[11];
    long long measure_offset;
    if (!PyArg_ParseTuple(args, "OLOOOOOOOOOO", &o[0], &measure_offset, &o[1], &o[2],
                          &o[3], &o[4], &o[5], &o[6], &o[7], &o[8], &o[9], &o[10])) {
        return NULL;
    }
    Buf b[11];
    if (take_buffers(o, "rrrrrrrrwww", b) != 0) {
        return NULL;
    }
    const int64_t *measure_bin = DATA(b[0], int64_t);
    Py_ssize_t measure_size = LEN(b[0], int64_t);
    const int64_t *unit_bin = DATA(b[1], int64_t);
    Py_ssize_t unit_size = LEN(b[1], int64_t);
    const int32_t *measures = DATA(b[2], int32_t);
    const int32_t *units = DATA(b[3], int32_t);
    const int32_t *years = DATA(b[4], int32_t);
    const double *values = DATA(b[5], double);
    const int32_t *counts = DATA(b[6], int32_t);
    int has_counts = LEN(b[6], int32_t) > 0;
    const uint8_t *estimates = DATA(b[7], uint8_t);
    int has_estimates = b[7].view.len > 0;
    double *sums = DATA(b[8], double);
    int64_t *tally = DATA(b[9], int64_t);
    uint8_t *flagged = DATA(b[10], uint8_t);
    Py_ssize_t rows = LEN(b[3], int32_t);
    Py_BEGIN_ALLOW_THREADS
    /* Rows come in runs of one unit: its cells are looked up once a run
       (-1: a unit left out). */
    int64_t run_unit = -1, base = -1;
    for (Py_ssize_t i = 0; i < rows; i++) {
        int64_t u = units[i];
        if (u != run_unit || i == 0) {
            run_unit = u;
            base = u >= 0 && u < unit_size ? unit_bin[u] : -1;
        }
        if (base < 0) continue;
        int64_t m = (int64_t)measures[i] - measure_offset;
        if (m < 0 || m >= measure_size) continue;
        int64_t at = measure_bin[m];
        if (at == 0) continue;
        int64_t cell = base + at - SHIFT + years[i];
        sums[cell] += values[i];
        tally[cell] += has_counts ? counts[i] : 1;
        if (has_estimates && estimates[i]) flagged[cell] = 1;
    }
    Py_END_ALLOW_THREADS
    release(b, 11);
    Py_RETURN_NONE;
}

/* A signed integer of `size` bytes at position i. */
static inline int64_t read_int(const void *data, int size, Py_ssize_t i) {
    switch (size) {
    case 1: return ((const int8_t *)data)[i];
    case 2: return ((const int16_t *)data)[i];
    case 4: return ((const int32_t *)data)[i];
    default: return ((const int64_t *)data)[i];
    }
}

static inline void write_int(void *data, int size, Py_ssize_t i, int64_t v) {
    switch (size) {
    case 1: ((int8_t *)data)[i] = (int8_t)v; break;
    case 2: ((int16_t *)data)[i] = (int16_t)v; break;
    case 4: ((int32_t *)data)[i] = (int32_t)v; break;
    default: ((int64_t *)data)[i] = v; break;
    }
}

#define GATHER_LOOP(TT, IT)                                                     \
    do {                                                                        \
        const TT *t = (const TT *)table;                                        \
        const IT *d = (const IT *)ids;                                          \
        TT *f = (TT *)found;                                                    \
        for (Py_ssize_t i = 0; i < n; i++) {                                    \
            int64_t j = d[i];                                                   \
            f[i] = (j >= 0 && j < size) ? t[j] : (TT)missing;                   \
        }                                                                       \
    } while (0)

/* gather(table, table_size_bytes, ids, id_size_bytes, missing, found):
 * found[i] = table[ids[i]], `missing` outside the table. */
static PyObject *gather(PyObject *self, PyObject *args) {
    PyObject *o[3];
    int table_size, id_size;
    long long missing;
    if (!PyArg_ParseTuple(args, "OiOiLO", &o[0], &table_size, &o[1], &id_size, &missing,
                          &o[2])) {
        return NULL;
    }
    Buf b[3];
    if (take_buffers(o, "rrw", b) != 0) {
        return NULL;
    }
    const void *table = b[0].view.buf;
    const void *ids = b[1].view.buf;
    void *found = b[2].view.buf;
    Py_ssize_t size = b[0].view.len / table_size;
    Py_ssize_t n = b[1].view.len / id_size;
    Py_BEGIN_ALLOW_THREADS
    if (table_size == 1 && id_size == 4) GATHER_LOOP(int8_t, int32_t);
    else if (table_size == 1 && id_size == 8) GATHER_LOOP(int8_t, int64_t);
    else if (table_size == 4 && id_size == 4) GATHER_LOOP(int32_t, int32_t);
    else if (table_size == 4 && id_size == 8) GATHER_LOOP(int32_t, int64_t);
    else {
        for (Py_ssize_t i = 0; i < n; i++) {
            int64_t j = read_int(ids, id_size, i);
            write_int(found, table_size, i,
                      (j >= 0 && j < size) ? read_int(table, table_size, j) : missing);
        }
    }
    Py_END_ALLOW_THREADS
    release(b, 3);
    Py_RETURN_NONE;
}

/* The value of table[id] (-1 outside the table) when the same for every
 * id, else MIXED: blocks of ids compared without a branch per id. */
#define UNIFORM_LOOP(TT, IT)                                                    \
    do {                                                                        \
        const TT *t = (const TT *)table;                                        \
        const IT *d = (const IT *)ids;                                          \
        first = ((uint64_t)d[0] < (uint64_t)size) ? t[d[0]] : -1;               \
        for (Py_ssize_t start = 0; start < n; start += 4096) {                  \
            Py_ssize_t end = start + 4096 < n ? start + 4096 : n;               \
            int64_t differ = 0;                                                 \
            for (Py_ssize_t i = start; i < end; i++) {                          \
                int64_t j = d[i];                                               \
                int64_t v = ((uint64_t)j < (uint64_t)size) ? t[j] : -1;         \
                differ |= v ^ first;                                            \
            }                                                                   \
            if (differ) {                                                       \
                first = MIXED;                                                  \
                break;                                                          \
            }                                                                   \
        }                                                                       \
    } while (0)

/* uniform(table, table_size_bytes, ids, id_size_bytes): table[id] when the
 * same for every id (-1 outside the table), else MIXED. */
static PyObject *uniform(PyObject *self, PyObject *args) {
    PyObject *o[2];
    int table_size, id_size;
    if (!PyArg_ParseTuple(args, "OiOi", &o[0], &table_size, &o[1], &id_size)) {
        return NULL;
    }
    Buf b[2];
    if (take_buffers(o, "rr", b) != 0) {
        return NULL;
    }
    const void *table = b[0].view.buf;
    const void *ids = b[1].view.buf;
    Py_ssize_t size = b[0].view.len / table_size;
    Py_ssize_t n = b[1].view.len / id_size;
    long long first = MIXED;
    Py_BEGIN_ALLOW_THREADS
    if (n == 0) {
        first = MIXED;
    } else if (table_size == 1 && id_size == 4) {
        UNIFORM_LOOP(int8_t, int32_t);
    } else if (table_size == 4 && id_size == 4) {
        UNIFORM_LOOP(int32_t, int32_t);
    } else {
        for (Py_ssize_t i = 0; i < n; i++) {
            int64_t j = read_int(ids, id_size, i);
            long long v = (j >= 0 && j < size) ? read_int(table, table_size, j) : -1;
            if (i == 0) {
                first = v;
            } else if (v != first) {
                first = MIXED;
                break;
            }
        }
    }
    Py_END_ALLOW_THREADS
    release(b, 2);
    return PyLong_FromLongLong(first);
}

/* changes(values, size_bytes, found i64): the positions where a value
 * differs from the one before; with `found` empty, only their count. */
static PyObject *changes(PyObject *self, PyObject *args) {
    PyObject *o[2];
    int size;
    if (!PyArg_ParseTuple(args, "OiO", &o[0], &size, &o[1])) {
        return NULL;
    }
    Buf b[2];
    if (take_buffers(o, "rw", b) != 0) {
        return NULL;
    }
    const void *values = b[0].view.buf;
    Py_ssize_t n = b[0].view.len / size;
    int64_t *found = DATA(b[1], int64_t);
    int fill = b[1].view.len > 0;
    Py_ssize_t count = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 1; i < n; i++) {
        if (read_int(values, size, i) != read_int(values, size, i - 1)) {
            if (fill) found[count] = i;
            count++;
        }
    }
    Py_END_ALLOW_THREADS
    release(b, 2);
    return PyLong_FromSsize_t(count);
}

/* runs(table, table_size_bytes, ids, id_size_bytes, found i64): the
 * positions where table[id] differs from the row before's (-1 outside the
 * table); with `found` empty, only their count. */
static PyObject *runs(PyObject *self, PyObject *args) {
    PyObject *o[3];
    int table_size, id_size;
    if (!PyArg_ParseTuple(args, "OiOiO", &o[0], &table_size, &o[1], &id_size, &o[2])) {
        return NULL;
    }
    Buf b[3];
    if (take_buffers(o, "rrw", b) != 0) {
        return NULL;
    }
    const void *table = b[0].view.buf;
    const void *ids = b[1].view.buf;
    Py_ssize_t size = b[0].view.len / table_size;
    Py_ssize_t n = b[1].view.len / id_size;
    int64_t *found = DATA(b[2], int64_t);
    int fill = b[2].view.len > 0;
    Py_ssize_t count = 0;
    Py_BEGIN_ALLOW_THREADS
    if (table_size == 4 && id_size == 4) {
        const int32_t *t = (const int32_t *)table;
        const int32_t *d = (const int32_t *)ids;
        int64_t before = n ? (((uint64_t)d[0] < (uint64_t)size) ? t[d[0]] : -1) : 0;
        for (Py_ssize_t i = 1; i < n; i++) {
            int64_t j = d[i];
            int64_t v = ((uint64_t)j < (uint64_t)size) ? t[j] : -1;
            if (v != before) {
                if (fill) found[count] = i;
                count++;
                before = v;
            }
        }
    } else {
        int64_t before = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            int64_t j = read_int(ids, id_size, i);
            int64_t v = (j >= 0 && j < size) ? read_int(table, table_size, j) : -1;
            if (i > 0 && v != before) {
                if (fill) found[count] = i;
                count++;
            }
            before = v;
        }
    }
    Py_END_ALLOW_THREADS
    release(b, 3);
    return PyLong_FromSsize_t(count);
}

/* positions_of(ids i32, flagged bool, offset, found i64): the rows whose
 * id is flagged (flagged[id - offset]); with `found` empty, their count. */
static PyObject *positions_of(PyObject *self, PyObject *args) {
    PyObject *o[3];
    long long offset;
    if (!PyArg_ParseTuple(args, "OOLO", &o[0], &o[1], &offset, &o[2])) {
        return NULL;
    }
    Buf b[3];
    if (take_buffers(o, "rrw", b) != 0) {
        return NULL;
    }
    const int32_t *ids = DATA(b[0], int32_t);
    Py_ssize_t n = LEN(b[0], int32_t);
    const uint8_t *flagged = DATA(b[1], uint8_t);
    Py_ssize_t size = b[1].view.len;
    int64_t *found = DATA(b[2], int64_t);
    int fill = b[2].view.len > 0;
    Py_ssize_t count = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t j = (int64_t)ids[i] - offset;
        if (j >= 0 && j < size && flagged[j]) {
            if (fill) found[count] = i;
            count++;
        }
    }
    Py_END_ALLOW_THREADS
    release(b, 3);
    return PyLong_FromSsize_t(count);
}

/* counting_order(keys i32, starts i64, order i64): the rows' positions
 * ordered by key, rows of one key in their order (a counting sort); keys
 * are 0 to len(starts) - 1 (starts: zeroed). False for a key outside. */
static PyObject *counting_order(PyObject *self, PyObject *args) {
    PyObject *o[3];
    if (!PyArg_ParseTuple(args, "OOO", &o[0], &o[1], &o[2])) {
        return NULL;
    }
    Buf b[3];
    if (take_buffers(o, "rww", b) != 0) {
        return NULL;
    }
    const int32_t *keys = DATA(b[0], int32_t);
    Py_ssize_t n = LEN(b[0], int32_t);
    int64_t *starts = DATA(b[1], int64_t);
    Py_ssize_t size = LEN(b[1], int64_t);
    int64_t *order = DATA(b[2], int64_t);
    int inside = LEN(b[2], int64_t) == n;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n && inside; i++) {
        if (keys[i] < 0 || keys[i] >= size) {
            inside = 0;
        } else {
            starts[keys[i]]++;
        }
    }
    if (inside) {
        int64_t at = 0;
        for (Py_ssize_t k = 0; k < size; k++) {
            int64_t count = starts[k];
            starts[k] = at;
            at += count;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            order[starts[keys[i]]++] = i;
        }
    }
    Py_END_ALLOW_THREADS
    release(b, 3);
    return PyBool_FromLong(inside);
}

/* bounds(values i32): (smallest, largest), of at least one value. */
static PyObject *bounds(PyObject *self, PyObject *args) {
    PyObject *o[1];
    if (!PyArg_ParseTuple(args, "O", &o[0])) {
        return NULL;
    }
    Buf b[1];
    if (take_buffers(o, "r", b) != 0) {
        return NULL;
    }
    const int32_t *values = DATA(b[0], int32_t);
    Py_ssize_t n = LEN(b[0], int32_t);
    int32_t low = n ? values[0] : 0, high = low;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 1; i < n; i++) {
        int32_t v = values[i];
        if (v < low) low = v;
        else if (v > high) high = v;
    }
    Py_END_ALLOW_THREADS
    release(b, 1);
    return Py_BuildValue("(ii)", low, high);
}

/* survey(units i32, measures i32, years i32, unit_seen bool, measure_seen
 * bool, measure_offset, pick_measure bool, pick_offset, pick_unit bool,
 * found_measure i64, found_unit i64) -> (first year, last year, outside,
 * picked by measure, picked by unit) */
static PyObject *survey(PyObject *self, PyObject *args) {
    PyObject *o[10];
    long long measure_offset, pick_offset;
    if (!PyArg_ParseTuple(args, "OOOOOLOLOOO", &o[0], &o[1], &o[2], &o[3], &o[4],
                          &measure_offset, &o[5], &pick_offset, &o[6], &o[7], &o[8])) {
        return NULL;
    }
    Buf b[9];
    if (take_buffers(o, "rrrwwrrww", b) != 0) {
        return NULL;
    }
    const int32_t *units = DATA(b[0], int32_t);
    const int32_t *measures = DATA(b[1], int32_t);
    const int32_t *years = DATA(b[2], int32_t);
    uint8_t *unit_seen = DATA(b[3], uint8_t);
    Py_ssize_t unit_size = b[3].view.len;
    uint8_t *measure_seen = DATA(b[4], uint8_t);
    Py_ssize_t measure_size = b[4].view.len;
    const uint8_t *pick_measure = DATA(b[5], uint8_t);
    Py_ssize_t pick_measure_size = b[5].view.len;
    const uint8_t *pick_unit = DATA(b[6], uint8_t);
    Py_ssize_t pick_unit_size = b[6].view.len;
    int64_t *found_measure = DATA(b[7], int64_t);
    int64_t *found_unit = DATA(b[8], int64_t);
    Py_ssize_t rows = LEN(b[0], int32_t);
    int32_t first = rows ? years[0] : 0, last = first;
    int outside = 0;
    Py_ssize_t by_measure = 0, by_unit = 0;
    Py_BEGIN_ALLOW_THREADS
    /* Rows come in runs of one unit: a unit is looked up once a run. */
    int64_t run_unit = -1;
    int unit_picked = 0;
    for (Py_ssize_t i = 0; i < rows; i++) {
        int64_t u = units[i];
        if (u != run_unit || i == 0) {
            run_unit = u;
            if (u >= 0 && u < unit_size) unit_seen[u] = 1;
            unit_picked = u >= 0 && u < pick_unit_size && pick_unit[u];
        }
        int64_t m = measures[i];
        int64_t j = m - measure_offset;
        if (j >= 0 && j < measure_size) measure_seen[j] = 1;
        else outside = 1;
        int32_t y = years[i];
        if (y < first) first = y;
        if (y > last) last = y;
        int64_t k = m - pick_offset;
        if (k >= 0 && k < pick_measure_size && pick_measure[k]) {
            found_measure[by_measure++] = i;
        }
        if (unit_picked) found_unit[by_unit++] = i;
    }
    Py_END_ALLOW_THREADS
    release(b, 9);
    return Py_BuildValue("(iiOnn)", first, last, outside ? Py_True : Py_False,
                         by_measure, by_unit);
}

/* cells(tally i64, sums f64, flagged bool, measure_ids i64, parent_ids i64,
 * span, first_year, measure i32, unit i32, year i32, value f64, n i32,
 * estimate bool): the cells added to, in order (parent, measure, year), as
 * columns; with the columns empty, only their count. */
static PyObject *cells(PyObject *self, PyObject *args) {
    PyObject *o[11];
    long long span, first_year;
    if (!PyArg_ParseTuple(args, "OOOOOLLOOOOOO", &o[0], &o[1], &o[2], &o[3], &o[4],
                          &span, &first_year, &o[5], &o[6], &o[7], &o[8], &o[9],
                          &o[10])) {
        return NULL;
    }
    Buf b[11];
    if (take_buffers(o, "rrrrrwwwwww", b) != 0) {
        return NULL;
    }
    const int64_t *tally = DATA(b[0], int64_t);
    Py_ssize_t size = LEN(b[0], int64_t);
    const double *sums = DATA(b[1], double);
    const uint8_t *flagged = DATA(b[2], uint8_t);
    const int64_t *measure_ids = DATA(b[3], int64_t);
    Py_ssize_t measures = LEN(b[3], int64_t);
    const int64_t *parent_ids = DATA(b[4], int64_t);
    Py_ssize_t parents = LEN(b[4], int64_t);
    int32_t *measure = DATA(b[5], int32_t);
    int32_t *unit = DATA(b[6], int32_t);
    int32_t *year = DATA(b[7], int32_t);
    double *value = DATA(b[8], double);
    int32_t *n = DATA(b[9], int32_t);
    uint8_t *estimate = DATA(b[10], uint8_t);
    int fill = b[5].view.len > 0;
    Py_ssize_t at = 0;
    Py_BEGIN_ALLOW_THREADS
    if (!fill) {
        for (Py_ssize_t i = 0; i < size; i++) {
            if (tally[i] != 0) at++;
        }
    } else {
        Py_ssize_t i = 0;
        for (Py_ssize_t p = 0; p < parents; p++) {
            for (Py_ssize_t m = 0; m < measures; m++) {
                for (long long y = 0; y < span; y++, i++) {
                    if (tally[i] != 0) {
                        measure[at] = (int32_t)measure_ids[m];
                        unit[at] = (int32_t)parent_ids[p];
                        year[at] = (int32_t)(y + first_year);
                        value[at] = sums[i];
                        n[at] = (int32_t)tally[i];
                        estimate[at] = flagged[i];
                        at++;
                    }
                }
            }
        }
    }
    Py_END_ALLOW_THREADS
    release(b, 11);
    return PyLong_FromSsize_t(at);
}

/* ratio_cells(tally i64, sums f64, flagged bool, ids i64, nums i64, dens
 * i64, factors f64, measures, parent_ids i64, span, first_year, then the
 * six columns of `cells`): factor * num / den where both cells were added
 * to and den > 0; with the columns empty, only their count. */
static PyObject *ratio_cells(PyObject *self, PyObject *args) {
    PyObject *o[14];
    long long measures, span, first_year;
    if (!PyArg_ParseTuple(args, "OOOOOOOLOLLOOOOOO", &o[0], &o[1], &o[2], &o[3], &o[4],
                          &o[5], &o[6], &measures, &o[7], &span, &first_year, &o[8],
                          &o[9], &o[10], &o[11], &o[12], &o[13])) {
        return NULL;
    }
    Buf b[14];
    if (take_buffers(o, "rrrrrrrrwwwwww", b) != 0) {
        return NULL;
    }
    const int64_t *tally = DATA(b[0], int64_t);
    const double *sums = DATA(b[1], double);
    const uint8_t *flagged = DATA(b[2], uint8_t);
    const int64_t *ids = DATA(b[3], int64_t);
    Py_ssize_t ratios = LEN(b[3], int64_t);
    const int64_t *nums = DATA(b[4], int64_t);
    const int64_t *dens = DATA(b[5], int64_t);
    const double *factors = DATA(b[6], double);
    const int64_t *parent_ids = DATA(b[7], int64_t);
    Py_ssize_t parents = LEN(b[7], int64_t);
    int32_t *measure = DATA(b[8], int32_t);
    int32_t *unit = DATA(b[9], int32_t);
    int32_t *year = DATA(b[10], int32_t);
    double *value = DATA(b[11], double);
    int32_t *n = DATA(b[12], int32_t);
    uint8_t *estimate = DATA(b[13], uint8_t);
    int fill = b[8].view.len > 0;
    int64_t block = measures * span;
    Py_ssize_t at = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t p = 0; p < parents; p++) {
        for (Py_ssize_t k = 0; k < ratios; k++) {
            int64_t a = p * block + nums[k] * span;
            int64_t d = p * block + dens[k] * span;
            for (long long y = 0; y < span; y++) {
                if (tally[a + y] != 0 && tally[d + y] != 0 && sums[d + y] > 0) {
                    if (fill) {
                        measure[at] = (int32_t)ids[k];
                        unit[at] = (int32_t)parent_ids[p];
                        year[at] = (int32_t)(y + first_year);
                        value[at] = factors[k] * sums[a + y] / sums[d + y];
                        n[at] = (int32_t)tally[a + y];
                        estimate[at] = flagged[a + y] || flagged[d + y];
                    }
                    at++;
                }
            }
        }
    }
    Py_END_ALLOW_THREADS
    release(b, 14);
    return PyLong_FromSsize_t(at);
}

static PyMethodDef methods[] = {
    {"accumulate", accumulate, METH_VARARGS, NULL},
    {"gather", gather, METH_VARARGS, NULL},
    {"uniform", uniform, METH_VARARGS, NULL},
    {"changes", changes, METH_VARARGS, NULL},
    {"positions_of", positions_of, METH_VARARGS, NULL},
    {"runs", runs, METH_VARARGS, NULL},
    {"bounds", bounds, METH_VARARGS, NULL},
    {"counting_order", counting_order, METH_VARARGS, NULL},
    {"survey", survey, METH_VARARGS, NULL},
    {"cells", cells, METH_VARARGS, NULL},
    {"ratio_cells", ratio_cells, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_loops", "The rollup's loops, in C.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__loops(void) { return PyModule_Create(&module); }
