/* SPDX-License-Identifier: MIT */
/*
 * The database's own I/O failing: a wrapper SQLite VFS over the default
 * unix one fails the Nth write or sync (database, WAL or journal alike),
 * N = 1, 2, ... until the operation completes without reaching N.  Each
 * operation runs through the library, then closes the database as a
 * command does, dies on the spot (in a child process), or tries again on
 * the same connection as the daemon's next tick does.  After every
 * failing run a fresh connection on the real VFS must find the database
 * intact, each transaction whole or absent, the spool agreeing with it,
 * and the error clear; a normal rerun then leaves everything done exactly
 * once.
 */
#include <assert.h>
#include <check.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "definition.h"
#include "ingest.h"
#include "invite.h"
#include "mime.h"
#include "outbox.h"
#include "participants.h"
#include "record.h"
#include "spool.h"
#include "testutil.h"
#include "token.h"
#include "workspace.h"

Suite *vfs_suite(void);

#define NOW 1796000000	/* 2026-11-30, before the deadline */
#define CONSULTATION "bpf-on-bpfs"

/*
 * Transaction sizes of src/ingest.c, src/invite.c and src/outbox.c: a
 * run that stops between two transactions leaves a multiple of these.
 */
#define INGEST_BATCH 500
#define INVITE_BATCH 100
#define OUTBOX_BATCH 200

/* The wrapper VFS. */

enum fault {
	FAULT_WRITE,	/* the Nth write fails once: SQLITE_IOERR_WRITE */
	FAULT_FULL,	/* the Nth and every later write: SQLITE_FULL */
	FAULT_SYNC,	/* the Nth sync fails once: SQLITE_IOERR_FSYNC */
};

static const char *const fault_names[] = { "write", "full", "sync" };

/* The default VFS only while an operation runs. */
static struct {
	sqlite3_vfs *real;
	bool armed;
	enum fault fault;
	unsigned long at;	/* the write or sync that fails, from 1 */
	unsigned long count;	/* writes or syncs so far */
	unsigned long fired;	/* failures returned */
} shim;

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;	/* right behind, szOsFile of the real VFS */
};

#define REAL(f) (((struct shim_file *)(void *)(f))->real)

static int
shim_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (shim.armed && shim.fault != FAULT_SYNC &&
	    ++shim.count >= shim.at &&
	    (shim.count == shim.at || shim.fault == FAULT_FULL)) {
		shim.fired++;
		/* As the unix VFS leaves them, for sqlite3_system_errno(). */
		errno = shim.fault == FAULT_FULL ? ENOSPC : EIO;
		return shim.fault == FAULT_FULL ? SQLITE_FULL :
		    SQLITE_IOERR_WRITE;
	}
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
shim_sync(sqlite3_file *f, int flags)
{
	if (shim.armed && shim.fault == FAULT_SYNC &&
	    ++shim.count == shim.at) {
		shim.fired++;
		errno = EIO;
		return SQLITE_IOERR_FSYNC;
	}
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
shim_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int
shim_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int
shim_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
shim_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
shim_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
shim_device_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
shim_shm_map(sqlite3_file *f, int page, int size, int extend,
    void volatile **out)
{
	if (REAL(f)->pMethods->iVersion < 2)
		return SQLITE_IOERR_SHMMAP;
	return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}

static int
shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
shim_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
shim_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}

static int
shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
	if (REAL(f)->pMethods->iVersion < 3) {
		*out = NULL;
		return SQLITE_OK;
	}
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}

static int
shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	if (REAL(f)->pMethods->iVersion < 3)
		return SQLITE_OK;
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods shim_io = {
	.iVersion = 3,
	.xClose = shim_close,
	.xRead = shim_read,
	.xWrite = shim_write,
	.xTruncate = shim_truncate,
	.xSync = shim_sync,
	.xFileSize = shim_file_size,
	.xLock = shim_lock,
	.xUnlock = shim_unlock,
	.xCheckReservedLock = shim_check_reserved,
	.xFileControl = shim_file_control,
	.xSectorSize = shim_sector_size,
	.xDeviceCharacteristics = shim_device_characteristics,
	.xShmMap = shim_shm_map,
	.xShmLock = shim_shm_lock,
	.xShmBarrier = shim_shm_barrier,
	.xShmUnmap = shim_shm_unmap,
	.xFetch = shim_fetch,
	.xUnfetch = shim_unfetch,
};

static int
shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out_flags)
{
	struct shim_file *sf = (struct shim_file *)(void *)f;
	int rc;

	(void)vfs;
	sf->real = (sqlite3_file *)(void *)(sf + 1);
	rc = shim.real->xOpen(shim.real, name, sf->real, flags, out_flags);
	/* SQLite closes what has methods, even after a failed open. */
	sf->base.pMethods = sf->real->pMethods ? &shim_io : NULL;
	return rc;
}

static int
shim_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return shim.real->xDelete(shim.real, name, sync_dir);
}

static int
shim_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return shim.real->xAccess(shim.real, name, flags, out);
}

static int
shim_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return shim.real->xFullPathname(shim.real, name, n, out);
}

static void *
shim_dl_open(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return shim.real->xDlOpen(shim.real, name);
}

static void
shim_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	shim.real->xDlError(shim.real, n, out);
}

static void
(*shim_dl_sym(sqlite3_vfs *vfs, void *handle, const char *sym))(void)
{
	(void)vfs;
	return shim.real->xDlSym(shim.real, handle, sym);
}

static void
shim_dl_close(sqlite3_vfs *vfs, void *handle)
{
	(void)vfs;
	shim.real->xDlClose(shim.real, handle);
}

static int
shim_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return shim.real->xRandomness(shim.real, n, out);
}

static int
shim_sleep(sqlite3_vfs *vfs, int usec)
{
	(void)vfs;
	return shim.real->xSleep(shim.real, usec);
}

static int
shim_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return shim.real->xCurrentTime(shim.real, out);
}

static int
shim_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return shim.real->xGetLastError(shim.real, n, out);
}

static int
shim_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return shim.real->xCurrentTimeInt64(shim.real, out);
}

static sqlite3_vfs shim_vfs = {
	.iVersion = 2,
	.zName = "consultd-faulty",
	.xOpen = shim_open,
	.xDelete = shim_delete,
	.xAccess = shim_access,
	.xFullPathname = shim_full_pathname,
	.xDlOpen = shim_dl_open,
	.xDlError = shim_dl_error,
	.xDlSym = shim_dl_sym,
	.xDlClose = shim_dl_close,
	.xRandomness = shim_randomness,
	.xSleep = shim_sleep,
	.xCurrentTime = shim_current_time,
	.xGetLastError = shim_last_error,
	.xCurrentTimeInt64 = shim_current_time64,
};

/* Makes the faulty VFS the default, failing at the at-th write or sync. */
static void
shim_install(enum fault fault, unsigned long at)
{
	shim.real = sqlite3_vfs_find(NULL);
	assert(shim.real && shim.real != &shim_vfs);
	shim.armed = true;
	shim.fault = fault;
	shim.at = at;
	shim.count = 0;
	shim.fired = 0;
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) +
	    shim.real->szOsFile;
	shim_vfs.mxPathname = shim.real->mxPathname;
	if (sqlite3_vfs_register(&shim_vfs, 1) != SQLITE_OK)
		abort();
}

/* Reading the result with the real VFS. */

struct probe {
	sqlite3 *db;	/* NULL when there is no database file */
};

static void
probe_open(struct probe *p, const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "consultd.db", NULL);

	p->db = NULL;
	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return;
	ck_assert_int_eq(sqlite3_open_v2(path, &p->db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(p->db, 5000);
}

static void
probe_close(struct probe *p)
{
	ck_assert_int_eq(sqlite3_close(p->db), SQLITE_OK);
	p->db = NULL;
}

static int64_t
probe_int(struct probe *p, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_msg(sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) ==
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(p->db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The rows of sql, one per line, columns separated by tabs. */
static char *
probe_text(struct probe *p, const char *sql)
{
	GString *out = g_string_new(NULL);
	sqlite3_stmt *st;
	int i;

	ck_assert_msg(sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) ==
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(p->db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *s = sqlite3_column_text(st, i);

			g_string_append_printf(out, "%s%s", i ? "\t" : "",
			    s ? (const char *)s : "NULL");
		}
		g_string_append_c(out, '\n');
	}
	sqlite3_finalize(st);
	return g_string_free(out, FALSE);
}

/* integrity_check says ok and no foreign key dangles. */
static bool
probe_intact(struct probe *p, GString *why)
{
	g_autofree char *ic = NULL;
	g_autofree char *fk = NULL;

	if (!p->db)
		return true;
	ic = probe_text(p, "PRAGMA integrity_check");
	fk = probe_text(p, "PRAGMA foreign_key_check");
	if (strcmp(ic, "ok\n") == 0 && !*fk)
		return true;
	g_string_append_printf(why, "integrity_check: %s foreign_key_check: "
	    "%s", ic, fk);
	return false;
}

static unsigned
line_count(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir/sub, sorted, one per line. */
static char *
folder_list(const char *dir, const char *sub)
{
	g_autofree char *path = g_build_filename(dir, sub, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	GString *out = g_string_new(NULL);
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;
	size_t i;

	ck_assert_msg(d != NULL, "no folder %s", path);
	while ((name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(names, compare_names);
	for (i = 0; i < names->len; i++)
		g_string_append_printf(out, "%s\n", (char *)names->pdata[i]);
	return g_string_free(out, FALSE);
}

static void
copy_tree(const char *from, const char *to)
{
	GDir *d = g_dir_open(from, 0, NULL);
	const char *name;

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(g_mkdir_with_parents(to, 0750), 0);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *src = g_build_filename(from, name, NULL);
		g_autofree char *dst = g_build_filename(to, name, NULL);
		g_autofree char *data = NULL;
		size_t len;
		FILE *fp;

		if (g_file_test(src, G_FILE_TEST_IS_DIR)) {
			copy_tree(src, dst);
			continue;
		}
		ck_assert(g_file_get_contents(src, &data, &len, NULL));
		fp = fopen(dst, "w");
		ck_assert_ptr_nonnull(fp);
		ck_assert(fwrite(data, 1, len, fp) == len);
		ck_assert_int_eq(fclose(fp), 0);
	}
	g_dir_close(d);
}

/* The operations. */

enum state { ROLLED_BACK, PARTIAL, COMMITTED, HALF };

struct vfs_test;

struct vfs_op {
	const char *name;
	unsigned short_size, full_size;
	/* Running it again after a success changes nothing. */
	bool repeatable;
	/* Makes t->base, the workspace every run starts from. */
	void (*prepare)(struct vfs_test *t);
	/*
	 * The operation, as its command runs it; opens ws unless open (the
	 * caller closes it).  Runs under the faulty VFS: no ck_assert.
	 */
	bool (*run)(struct vfs_test *t, struct workspace *ws, const char *dir,
	    GError **err);
	/* After a clean run of the operation: what a complete one left. */
	void (*reference)(struct vfs_test *t, const char *dir,
	    struct probe *p);
	/*
	 * What a run left.  strict: the process lived to close the
	 * database; otherwise a commit whose sync failed may come back.
	 */
	enum state (*judge)(struct vfs_test *t, const char *dir,
	    struct probe *p, bool strict, GString *why);
};

struct vfs_test {
	const struct vfs_op *op;
	unsigned size;
	char *base;
	char *csv;		/* participants to import */
	int64_t ref[4];		/* figures of a complete run */
	char *ref_text;		/* the schema (init), answers per message */
};

static char *
conf_path(const char *dir)
{
	return g_build_filename(dir, "consultd.conf", NULL);
}

static void
load_consultation(struct workspace *ws)
{
	g_autofree char *tdir = g_build_filename(testutil_top(), "templates",
	    CONSULTATION, NULL);
	struct definition *def = definition_read(tdir, NULL);
	int64_t cid;
	bool created;

	ck_assert_ptr_nonnull(def);
	ck_assert(db_consultation_store(ws->db, def, NOW, &cid, &created,
	    NULL));
	definition_free(def);
}

/*
 * The demo's twelve participants, or n made-up ones in full runs (with
 * an unknown column, kept as an attribute, and two BPFs each).
 */
static char *
participants_csv(const char *dir, unsigned n)
{
	g_autoptr(GString) csv = NULL;
	unsigned i;

	if (n <= 12)
		return g_build_filename(testutil_top(), "tests", "fixtures",
		    "demo", "participants.csv", NULL);
	csv = g_string_new("email,name,stakeholder_group,bpf,role,language,"
	    "country\n");
	for (i = 0; i < n; i++)
		g_string_append_printf(csv, "person%u@example.org,Person %u,"
		    "Civil society,\"IPv6;Spam\",Contributor,en,Country %u\n",
		    i, i, i % 50);
	return testutil_write(dir, "participants.csv", csv->str);
}

/* init, load and, with import, import t->csv (as consultation 1). */
static void
base_workspace(struct vfs_test *t, bool import)
{
	g_autofree char *conf = conf_path(t->base);
	struct participants_result res;
	struct workspace ws;
	bool created;

	ck_assert(workspace_init(t->base, &created, NULL));
	ck_assert(workspace_open(&ws, conf, NULL));
	load_consultation(&ws);
	if (import) {
		participants_result_init(&res);
		ck_assert(participants_import(ws.db, 1, t->csv, false, NOW,
		    &res, NULL));
		participants_result_release(&res);
	}
	workspace_close(&ws);
}

/* Opens the workspace, unless an earlier attempt left it open. */
static bool
open_ws(struct workspace *ws, const char *dir, GError **err)
{
	g_autofree char *conf = conf_path(dir);

	return ws->db || workspace_open(ws, conf, err);
}

/* init: a new workspace, its schema created in two migrations. */

static void
init_prepare(struct vfs_test *t)
{
	(void)t;
}

static bool
init_run(struct vfs_test *t, struct workspace *ws, const char *dir,
    GError **err)
{
	bool created;

	(void)t;
	(void)ws;
	return workspace_init(dir, &created, err);
}

static const char init_schema_sql[] =
    "SELECT type, name, sql FROM sqlite_master ORDER BY type, name";

static void
init_reference(struct vfs_test *t, const char *dir, struct probe *p)
{
	(void)dir;
	t->ref_text = probe_text(p, init_schema_sql);
	t->ref[0] = probe_int(p, "PRAGMA user_version");
	t->ref[1] = probe_int(p, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table'");
	ck_assert_int_eq(t->ref[0], db_schema_version());
}

static enum state
init_judge(struct vfs_test *t, const char *dir, struct probe *p,
    bool strict, GString *why)
{
	g_autofree char *schema = NULL;
	int64_t version, tables, v2, v3;

	(void)dir;
	(void)strict;
	if (!p->db)
		return ROLLED_BACK;
	version = probe_int(p, "PRAGMA user_version");
	schema = probe_text(p, init_schema_sql);
	tables = probe_int(p, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table'");
	/* What version 2 adds: three columns, two indexes. */
	v2 = probe_int(p, "SELECT count(*) FROM pragma_table_info('digest')"
	    " WHERE name IN ('consultation_id', 'last_answer_id',"
	    " 'last_message_id')") + probe_int(p, "SELECT count(*) FROM"
	    " sqlite_master WHERE name IN ('digest_by_consultation',"
	    " 'answer_by_participant')");
	/* What version 3 adds: five indexes. */
	v3 = probe_int(p, "SELECT count(*) FROM sqlite_master WHERE name IN"
	    " ('participant_by_email', 'participant_by_created',"
	    " 'message_by_sender', 'outbox_by_participant',"
	    " 'message_pending_command')");
	if (version == 0 && !*schema)
		return ROLLED_BACK;
	if (version == t->ref[0] && strcmp(schema, t->ref_text) == 0)
		return COMMITTED;
	/* Stopped between migrations, to resume on the next run. */
	if (tables == t->ref[1] && ((version == 1 && v2 == 0 && v3 == 0) ||
	    (version == 2 && v2 == 5 && v3 == 0)))
		return PARTIAL;
	g_string_append_printf(why, "schema version %lld with %lld tables, "
	    "%lld of version 2's changes and %lld of version 3's",
	    (long long)version, (long long)tables, (long long)v2,
	    (long long)v3);
	return HALF;
}

/* import: the participants, one transaction. */

static void
import_prepare(struct vfs_test *t)
{
	t->csv = participants_csv(t->base, t->size);
	base_workspace(t, false);
}

static bool
import_run(struct vfs_test *t, struct workspace *ws, const char *dir,
    GError **err)
{
	struct participants_result res;
	bool ok;

	if (!open_ws(ws, dir, err))
		return false;
	participants_result_init(&res);
	ok = participants_import(ws->db, 1, t->csv, false, NOW, &res, err);
	participants_result_release(&res);
	return ok;
}

static void
import_figures(struct probe *p, int64_t *v)
{
	v[0] = probe_int(p, "SELECT count(*) FROM participant");
	v[1] = probe_int(p, "SELECT count(*) FROM participant_bpf");
	v[2] = probe_int(p, "SELECT count(*) FROM participant_attr");
	v[3] = probe_int(p, "SELECT count(DISTINCT email_key) FROM"
	    " participant");
}

static void
import_reference(struct vfs_test *t, const char *dir, struct probe *p)
{
	(void)dir;
	import_figures(p, t->ref);
	ck_assert_int_eq(t->ref[0], t->size);
	ck_assert_int_gt(t->ref[1], t->ref[0]);
	ck_assert_int_gt(t->ref[2], 0);
}

static enum state
import_judge(struct vfs_test *t, const char *dir, struct probe *p,
    bool strict, GString *why)
{
	int64_t v[4];

	(void)dir;
	(void)strict;
	import_figures(p, v);
	if (!v[0] && !v[1] && !v[2])
		return ROLLED_BACK;
	if (memcmp(v, t->ref, sizeof(v)) == 0)
		return COMMITTED;
	g_string_append_printf(why, "%lld participants, %lld BPF rows, %lld "
	    "attributes (a whole import has %lld, %lld, %lld)",
	    (long long)v[0], (long long)v[1], (long long)v[2],
	    (long long)t->ref[0], (long long)t->ref[1], (long long)t->ref[2]);
	return HALF;
}

/* invite: invitations queued in batches, then written as .eml files. */

static void
invite_prepare(struct vfs_test *t)
{
	t->csv = participants_csv(t->base, t->size);
	base_workspace(t, true);
}

static bool
invite_run_op(struct vfs_test *t, struct workspace *ws, const char *dir,
    GError **err)
{
	struct invite_result res;
	bool ok;

	(void)t;
	if (!open_ws(ws, dir, err))
		return false;
	invite_result_init(&res);
	ok = invite_run(ws->db, ws->cfg, CONSULTATION, false, NOW, &res, err);
	invite_result_release(&res);
	return ok;
}

/*
 * The outbox rows of kind that were sent without their .eml file, and
 * the files of kind without their row: both must be none.  *files_out
 * gets the number of files of that kind.
 */
static int64_t
outbox_mismatch(const char *dir, struct probe *p, const char *kind,
    int64_t *files_out)
{
	g_autofree char *list = folder_list(dir, "spool/outbox");
	g_autofree char *sql = g_strdup_printf("SELECT id, status FROM outbox"
	    " WHERE kind = '%s' ORDER BY id", kind);
	g_autofree char *rows = probe_text(p, sql);
	g_autofree char *suffix = g_strdup_printf("-%s.eml", kind);
	g_auto(GStrv) names = g_strsplit(list, "\n", -1);
	g_auto(GStrv) lines = g_strsplit(rows, "\n", -1);
	g_autoptr(GHashTable) files = g_hash_table_new(g_int64_hash,
	    g_int64_equal);
	g_autoptr(GHashTable) ids = g_hash_table_new(g_int64_hash,
	    g_int64_equal);
	int64_t *keys, *rkeys, bad = 0, n = 0;
	size_t i;

	keys = g_new0(int64_t, g_strv_length(names) + 1);
	rkeys = g_new0(int64_t, g_strv_length(lines) + 1);
	for (i = 0; names[i]; i++) {
		if (!g_str_has_suffix(names[i], suffix))
			continue;
		keys[n] = g_ascii_strtoll(names[i], NULL, 10);
		g_hash_table_add(files, &keys[n]);
		n++;
	}
	for (i = 0; lines[i] && *lines[i]; i++) {
		char *tab = strchr(lines[i], '\t');

		rkeys[i] = g_ascii_strtoll(lines[i], NULL, 10);
		g_hash_table_add(ids, &rkeys[i]);
		if (tab && strcmp(tab + 1, "sent") == 0 &&
		    !g_hash_table_contains(files, &rkeys[i]))
			bad++;
	}
	for (i = 0; i < (size_t)n; i++)
		if (!g_hash_table_contains(ids, &keys[i]))
			bad++;
	*files_out = n;
	g_free(keys);
	g_free(rkeys);
	return bad;
}

static void
invite_figures(const char *dir, struct probe *p, int64_t *v)
{
	v[0] = probe_int(p, "SELECT count(*) FROM invitation");
	v[1] = probe_int(p, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'invitation'");
	v[2] = probe_int(p, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'invitation' AND status = 'sent'");
	/* Token and invitation mail go together, one per participant. */
	v[3] = probe_int(p, "SELECT count(*) FROM invitation i"
	    " JOIN outbox o ON o.participant_id = i.participant_id"
	    "  AND o.kind = 'invitation'") == v[0] ? 0 : 1;
	v[3] += outbox_mismatch(dir, p, "invitation", &(int64_t){ 0 });
}

static void
invite_reference(struct vfs_test *t, const char *dir, struct probe *p)
{
	int64_t files;

	invite_figures(dir, p, t->ref);
	ck_assert_int_eq(t->ref[0], t->size);
	ck_assert_int_eq(t->ref[2], t->size);
	ck_assert_int_eq(t->ref[3], 0);
	ck_assert_int_eq(outbox_mismatch(dir, p, "invitation", &files), 0);
	ck_assert_int_eq(files, t->size);
}

static enum state
invite_judge(struct vfs_test *t, const char *dir, struct probe *p,
    bool strict, GString *why)
{
	int64_t v[4];

	(void)strict;
	invite_figures(dir, p, v);
	if (v[3]) {
		g_string_append(why, "an invitation without its mail, or a "
		    "mail marked sent without its .eml file");
		return HALF;
	}
	if (!v[0] && !v[1])
		return ROLLED_BACK;
	if (v[0] == t->size && v[2] == t->size)
		return COMMITTED;
	if (v[0] == v[1] && (v[0] % INVITE_BATCH == 0 || v[0] == t->size) &&
	    (v[2] % OUTBOX_BATCH == 0 || v[2] == v[1]))
		return PARTIAL;
	g_string_append_printf(why, "%lld invitations, %lld queued, %lld "
	    "sent of %u", (long long)v[0], (long long)v[1], (long long)v[2],
	    t->size);
	return HALF;
}

/* ingest: a batch of replies filed from spool/inbox/new. */

static void
ingest_prepare(struct vfs_test *t)
{
	g_autofree char *inbox = NULL;
	g_autofree char *tokens = NULL;
	g_auto(GStrv) rows = NULL;
	struct workspace ws;
	struct probe p;
	int64_t cid;
	unsigned i, n;

	ck_assert_int_eq(testutil_demo_workspace(&ws, t->base, NOW, NOW, &cid),
	    12);
	workspace_close(&ws);
	probe_open(&p, t->base);
	tokens = probe_text(&p, "SELECT p.email, p.name, i.token, o.message_id"
	    " FROM participant p JOIN invitation i ON i.participant_id = p.id"
	    " JOIN outbox o ON o.participant_id = p.id"
	    "  AND o.kind = 'invitation' ORDER BY p.id");
	probe_close(&p);
	rows = g_strsplit(tokens, "\n", -1);
	n = g_strv_length(rows) - 1;
	ck_assert_uint_eq(n, 12);
	inbox = g_build_filename(t->base, "spool", "inbox", NULL);
	/* Replies from everyone in turn: later ones replace some answers. */
	for (i = 0; i < t->size; i++) {
		g_auto(GStrv) f = g_strsplit(rows[i % n], "\t", -1);
		g_autofree char *to = token_reply_address(
		    "consult@igf.example.org", f[2]);
		g_autofree char *raw = g_strdup_printf(
		    "From: \"%s\" <%s>\n"
		    "To: %s\n"
		    "Subject: Re: Your views\n"
		    "Message-ID: <vfs-%u@mail.example.net>\n"
		    "In-Reply-To: <%s>\n"
		    "Date: Mon, 30 Nov 2026 10:%02u:00 +0000\n"
		    "MIME-Version: 1.0\n"
		    "Content-Type: text/plain; charset=utf-8\n"
		    "\n"
		    "[Q1] Reply %u: the open calls worked well.\n\n"
		    "[Q2] Timelines were tight.\n\n"
		    "[R1] %u\n\n"
		    "[Y1] %s\n\n"
		    "[END]\n", f[1], f[0], to, i, f[3], i % 60, i, 1 + i % 5,
		    i % 2 ? "yes" : "no");

		ck_assert(spool_deliver(inbox, raw, strlen(raw), NULL, NULL));
	}
}

static bool
ingest_run(struct vfs_test *t, struct workspace *ws, const char *dir,
    GError **err)
{
	struct ingest_result res = { 0 };

	(void)t;
	return open_ws(ws, dir, err) && ingest_spool(ws->db, ws->cfg,
	    NOW + 3600, &res, err);
}

static const char ingest_answers_sql[] =
    "SELECT m.message_id, m.spool_file, count(a.id) FROM message m"
    " LEFT JOIN answer a ON a.message_id = m.id"
    " GROUP BY m.id ORDER BY m.message_id";

static void
ingest_figures(struct probe *p, int64_t *v)
{
	v[0] = probe_int(p, "SELECT count(*) FROM message");
	v[1] = probe_int(p, "SELECT count(*) FROM answer");
	v[2] = probe_int(p, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'acknowledgement'");
	v[3] = probe_int(p, "SELECT count(*) FROM answer WHERE current");
}

static void
ingest_reference(struct vfs_test *t, const char *dir, struct probe *p)
{
	g_autofree char *left = folder_list(dir, "spool/inbox/new");

	ingest_figures(p, t->ref);
	t->ref_text = probe_text(p, ingest_answers_sql);
	ck_assert_int_eq(t->ref[0], t->size);
	ck_assert_int_eq(t->ref[1], 4 * t->size);
	ck_assert_int_eq(t->ref[2], t->size);
	ck_assert_str_eq(left, "");
}

/* Every line of got is a line of ref. */
static bool
lines_within(const char *ref, const char *got)
{
	g_auto(GStrv) have = g_strsplit(ref, "\n", -1);
	g_auto(GStrv) lines = g_strsplit(got, "\n", -1);
	size_t i;

	for (i = 0; lines[i] && *lines[i]; i++)
		if (!g_strv_contains((const char *const *)have, lines[i]))
			return false;
	return true;
}

static enum state
ingest_judge(struct vfs_test *t, const char *dir, struct probe *p,
    bool strict, GString *why)
{
	g_autofree char *rows = probe_text(p, ingest_answers_sql);
	g_autofree char *cur = folder_list(dir, "spool/inbox/cur");
	g_autofree char *fresh = folder_list(dir, "spool/inbox/new");
	g_autofree char *filed = probe_text(p, "SELECT substr(spool_file, 11)"
	    " FROM message ORDER BY 1");
	unsigned ncur = line_count(cur), nnew = line_count(fresh);
	int64_t v[4], bad, files;

	ingest_figures(p, v);
	if (ncur + nnew != t->size) {
		g_string_append_printf(why, "%u of %u spool files left",
		    ncur + nnew, t->size);
		return HALF;
	}
	/* Each filed message with all its answers, and one receipt. */
	if (!lines_within(t->ref_text, rows) || v[1] != 4 * v[0] ||
	    v[2] != v[0]) {
		g_string_append_printf(why, "filed messages and their answers "
		    "differ from a whole filing (%lld receipts for %lld "
		    "messages):\n%s", (long long)v[2], (long long)v[0], rows);
		return HALF;
	}
	/* The filer writes the receipts: none sent without its file. */
	if ((bad = outbox_mismatch(dir, p, "acknowledgement", &files))) {
		g_string_append_printf(why, "%lld receipts sent without their "
		    ".eml file or files without their row", (long long)bad);
		return HALF;
	}
	/*
	 * Only filed files leave new/; when the process lived, every filed
	 * one did (after a crash the next run moves them).
	 */
	if (strict ? strcmp(cur, filed) != 0 : !lines_within(filed, cur)) {
		g_string_append_printf(why, "cur/ holds\n%sbut filed are\n%s",
		    cur, filed);
		return HALF;
	}
	if (!v[0])
		return ROLLED_BACK;
	if (v[0] == t->size && v[3] == t->ref[3])
		return COMMITTED;
	if (v[0] % INGEST_BATCH == 0)
		return PARTIAL;
	g_string_append_printf(why, "%lld of %u messages filed",
	    (long long)v[0], t->size);
	return HALF;
}

/* record: interview notes filed on a participant's behalf. */

#define RECORD_FOR "zhou.xiaolan@example.com"

static void
record_prepare(struct vfs_test *t)
{
	struct workspace ws;
	int64_t cid;

	ck_assert_int_eq(testutil_demo_workspace(&ws, t->base, NOW, NOW, &cid),
	    12);
	workspace_close(&ws);
}

static bool
record_run(struct vfs_test *t, struct workspace *ws, const char *dir,
    GError **err)
{
	int64_t n;

	(void)t;
	return open_ws(ws, dir, err) && record_answers(ws->db, CONSULTATION,
	    RECORD_FOR, "Notes of a call on 3 December.\n\n"
	    "[Q1] The webinars.\n\n[Q2] Too many calls.\n\n[R1] 4\n\n"
	    "[Y1] yes\n", "secretariat-staff", NOW, &n, err);
}

static void
record_figures(struct probe *p, int64_t *v)
{
	v[0] = probe_int(p, "SELECT count(*) FROM answer"
	    " WHERE source = 'interview'");
	v[1] = probe_int(p, "SELECT count(*) FROM answer WHERE current");
	v[2] = 0;
	v[3] = 0;
}

static void
record_reference(struct vfs_test *t, const char *dir, struct probe *p)
{
	(void)dir;
	record_figures(p, t->ref);
	ck_assert_int_eq(t->ref[0], 4);
	ck_assert_int_eq(t->ref[1], 4);
}

static enum state
record_judge(struct vfs_test *t, const char *dir, struct probe *p,
    bool strict, GString *why)
{
	int64_t v[4];

	(void)dir;
	(void)strict;
	record_figures(p, v);
	if (!v[0] && !v[1])
		return ROLLED_BACK;
	if (memcmp(v, t->ref, sizeof(v)) == 0)
		return COMMITTED;
	g_string_append_printf(why, "%lld recorded answers, %lld current",
	    (long long)v[0], (long long)v[1]);
	return HALF;
}

/*
 * flush: the receipts of a filing, written as .eml files.  The filer
 * writes its own; these are left as a filer killed before it published
 * them leaves them, queued without their files.
 */

static void
flush_prepare(struct vfs_test *t)
{
	struct ingest_result res = { 0 };
	struct workspace ws = { 0 };
	g_autofree char *path = g_build_filename(t->base, "consultd.db",
	    NULL);
	g_autofree char *outbox = g_build_filename(t->base, "spool",
	    "outbox", NULL);
	sqlite3 *db;

	ingest_prepare(t);
	ck_assert(open_ws(&ws, t->base, NULL));
	ck_assert(ingest_spool(ws.db, ws.cfg, NOW + 3600, &res, NULL));
	ck_assert_int_eq(res.filed, t->size);
	ck_assert_int_eq(res.sent, t->size);
	workspace_close(&ws);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE outbox SET status ="
	    " 'queued', sent_at = NULL, attempts = 0 WHERE kind ="
	    " 'acknowledgement'", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_changes(db), (int)t->size);
	sqlite3_close(db);
	testutil_rmtree(outbox);
	ck_assert_int_eq(g_mkdir(outbox, 0750), 0);
}

static bool
flush_run(struct vfs_test *t, struct workspace *ws, const char *dir,
    GError **err)
{
	struct outbox_result res;

	(void)t;
	return open_ws(ws, dir, err) && outbox_flush(ws->db, ws->cfg,
	    NOW + 7200, &res, err);
}

static void
flush_figures(const char *dir, struct probe *p, int64_t *v)
{
	v[0] = probe_int(p, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'acknowledgement' AND status = 'sent'");
	v[1] = outbox_mismatch(dir, p, "acknowledgement", &v[2]);
	v[3] = probe_int(p, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'acknowledgement'");
}

static void
flush_reference(struct vfs_test *t, const char *dir, struct probe *p)
{
	flush_figures(dir, p, t->ref);
	ck_assert_int_eq(t->ref[0], t->size);
	ck_assert_int_eq(t->ref[1], 0);
	ck_assert_int_eq(t->ref[2], t->size);
}

static enum state
flush_judge(struct vfs_test *t, const char *dir, struct probe *p,
    bool strict, GString *why)
{
	int64_t v[4];

	(void)strict;
	flush_figures(dir, p, v);
	if (v[1] || v[3] != t->size) {
		g_string_append_printf(why, "%lld receipts queued, %lld sent "
		    "without their .eml file or files without their row",
		    (long long)v[3], (long long)v[1]);
		return HALF;
	}
	/* Files written but not yet marked sent are written again. */
	if (!v[0])
		return ROLLED_BACK;
	if (v[0] == t->size && v[2] == t->size)
		return COMMITTED;
	if (v[0] % OUTBOX_BATCH == 0)
		return PARTIAL;
	g_string_append_printf(why, "%lld of %u receipts marked sent",
	    (long long)v[0], t->size);
	return HALF;
}

static const struct vfs_op op_init = {
	"init", 0, 0, true, init_prepare, init_run, init_reference, init_judge,
};
static const struct vfs_op op_import = {
	"import", 12, 300, true, import_prepare, import_run, import_reference,
	import_judge,
};
static const struct vfs_op op_invite = {
	"invite", 12, 250, true, invite_prepare, invite_run_op,
	invite_reference, invite_judge,
};
static const struct vfs_op op_ingest = {
	"ingest", 20, 250, true, ingest_prepare, ingest_run, ingest_reference,
	ingest_judge,
};
static const struct vfs_op op_record = {
	"record", 1, 1, true, record_prepare, record_run, record_reference,
	record_judge,
};
static const struct vfs_op op_flush = {
	"flush", 20, 250, true, flush_prepare, flush_run, flush_reference,
	flush_judge,
};

/* Running them. */

/* How the process that met the fault goes on. */
enum variant {
	CLOSE,		/* closes the database, as a command exits */
	CRASH,		/* dies on the spot, the database open */
	RETRY,		/* the disk recovers; it tries again on the same
			   connection, as the daemon's next tick does */
};

static const char *const variant_names[] = { "", "-crash", "-retry" };

/* What the child that ran the operation reports. */
struct outcome {
	bool ok;
	bool our_domain;
	int code;
	unsigned long fired;
	char message[2048];
	bool retry_ok;
	char retry_message[1024];
};

/*
 * Runs the operation with the faulty VFS as the default, going on as
 * variant says; then, unless it crashed, the real VFS is the default
 * again.  The operation's own code runs here: no ck_assert.
 */
static void
attempt(struct vfs_test *t, const char *dir, enum fault fault,
    unsigned long at, enum variant variant, struct outcome *o)
{
	struct workspace ws = { 0 };
	g_autoptr(GError) err = NULL;
	g_autoptr(GError) rerr = NULL;

	*o = (struct outcome){ 0 };
	shim_install(fault, at);
	o->ok = t->op->run(t, &ws, dir, &err);
	if (!o->ok && variant == RETRY) {
		shim.armed = false;
		o->retry_ok = t->op->run(t, &ws, dir, &rerr);
		if (rerr)
			g_strlcpy(o->retry_message, rerr->message,
			    sizeof(o->retry_message));
	}
	if (variant != CRASH) {
		workspace_close(&ws);
		sqlite3_vfs_unregister(&shim_vfs);
	}
	o->fired = shim.fired;
	if (err) {
		o->our_domain = err->domain == CONSULTD_ERROR;
		o->code = err->code;
		g_strlcpy(o->message, err->message, sizeof(o->message));
	}
}

/*
 * attempt() in this process, or for a crash in a child that dies right
 * after the operation, its database open: the next process to open it
 * finds what the disk holds.
 */
static void
run_faulty(struct vfs_test *t, const char *dir, enum fault fault,
    unsigned long at, enum variant variant, struct outcome *out)
{
	size_t got = 0;
	ssize_t n;
	int fds[2], status;
	pid_t pid;

	if (variant != CRASH) {
		attempt(t, dir, fault, at, variant, out);
		ck_assert_ptr_eq(sqlite3_vfs_find(NULL), shim.real);
		return;
	}
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		attempt(t, dir, fault, at, variant, out);
		_exit(write(fds[1], out, sizeof(*out)) ==
		    (ssize_t)sizeof(*out) ? 0 : 1);
	}
	close(fds[1]);
	while (got < sizeof(*out) && (n = read(fds[0], (char *)out + got,
	    sizeof(*out) - got)) > 0)
		got += (size_t)n;
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    got == sizeof(*out), "%s with a fault at %lu: the child died "
	    "(status %d)", t->op->name, at, status);
}

/* The operation run normally, here, on the real VFS. */
static bool
run_clean(struct vfs_test *t, const char *dir, GError **err)
{
	struct workspace ws = { 0 };
	bool ok = t->op->run(t, &ws, dir, err);

	workspace_close(&ws);
	return ok;
}

/*
 * A temporary folder, in memory when the machine has /dev/shm: the
 * faults come from the VFS, not the disk, so real syncs would only make
 * the hundreds of runs slow.
 */
static char *
vfs_tmpdir(void)
{
	char *dir = g_strdup("/dev/shm/consultd-vfs-XXXXXX");

	if (g_mkdtemp(dir))
		return dir;
	g_free(dir);
	return testutil_tmpdir();
}

static char *
fresh_copy(struct vfs_test *t)
{
	char *dir = vfs_tmpdir();

	copy_tree(t->base, dir);
	return dir;
}

/*
 * SPEC 8 and 12: a full disk is EX_TEMPFAIL and says so; an I/O error is
 * EX_IOERR or EX_TEMPFAIL; either says what to do.
 */
static bool
error_clear(enum fault fault, const struct outcome *o)
{
	const char *m = o->message;
	bool todo = strstr(m, "run again") || strstr(m, "try again");

	if (!o->our_domain || !todo)
		return false;
	if (fault == FAULT_FULL)
		return o->code == EX_TEMPFAIL && strstr(m, "full");
	return (o->code == EX_IOERR || o->code == EX_TEMPFAIL) &&
	    (strstr(m, "I/O error") || strstr(m, "full"));
}

struct tally {
	unsigned points;	/* failure points reached */
	unsigned committed;
	unsigned rolled_back;
	unsigned partial;	/* whole transactions done, others not */
	unsigned half;
	unsigned integrity;
	unsigned unclear;
	unsigned swallowed;	/* the operation succeeded all the same */
	unsigned rerun_failed;
	unsigned retry_failed;
	unsigned more;		/* problems not spelled out */
};

/* The state of dir, or HALF with the reason in why. */
static enum state
judge_dir(struct vfs_test *t, const char *dir, bool strict, unsigned *bad,
    GString *why)
{
	struct probe p;
	enum state st;

	probe_open(&p, dir);
	if (!probe_intact(&p, why))
		(*bad)++;
	st = t->op->judge(t, dir, &p, strict, why);
	if (p.db)
		probe_close(&p);
	return st;
}

/* Runs the operation again, normally: then it is complete. */
static bool
rerun(struct vfs_test *t, const char *dir, struct tally *n, GString *why)
{
	g_autoptr(GError) err = NULL;

	if (!run_clean(t, dir, &err)) {
		g_string_append_printf(why, "; the rerun failed: %s",
		    err->message);
		return false;
	}
	if (judge_dir(t, dir, true, &n->integrity, why) != COMMITTED) {
		g_string_append(why, "; not whole after the rerun");
		return false;
	}
	return true;
}

static void
vfs_check(const struct vfs_op *op, enum fault fault, enum variant variant)
{
	g_autoptr(GString) problems = g_string_new(NULL);
	g_autofree char *name = g_strdup_printf("vfs-%s-%s%s", op->name,
	    fault_names[fault], variant_names[variant]);
	g_autofree char *example = NULL;
	struct vfs_test t = { 0 };
	struct tally n = { 0 };
	struct probe p;
	unsigned long at;
	char *dir;

	mime_init();
	t.op = op;
	t.size = testutil_scale(op->short_size, op->full_size);
	t.base = vfs_tmpdir();
	op->prepare(&t);
	dir = fresh_copy(&t);
	ck_assert(run_clean(&t, dir, NULL));
	probe_open(&p, dir);
	op->reference(&t, dir, &p);
	probe_close(&p);
	testutil_rmtree(dir);
	g_free(dir);
	for (at = 1;; at++) {
		g_autoptr(GString) why = g_string_new(NULL);
		struct outcome o;
		enum state st;

		ck_assert_msg(at < 100000, "%s never completes", name);
		dir = fresh_copy(&t);
		run_faulty(&t, dir, fault, at, variant, &o);
		st = judge_dir(&t, dir, variant != CRASH, &n.integrity, why);
		if (!o.fired) {
			/* It no longer reaches the fault: done. */
			ck_assert_msg(o.ok && st == COMMITTED, "%s without a "
			    "fault: %s %s", name, o.message, why->str);
			testutil_rmtree(dir);
			g_free(dir);
			break;
		}
		n.points++;
		switch (st) {
		case ROLLED_BACK:
			n.rolled_back++;
			break;
		case PARTIAL:
			n.partial++;
			break;
		case COMMITTED:
			n.committed++;
			break;
		case HALF:
			n.half++;
			break;
		}
		if (o.ok && st != COMMITTED) {
			n.half += st != HALF;
			g_string_append(why, "; but it reported success");
		}
		if (variant == RETRY && !o.ok && (!o.retry_ok ||
		    st != COMMITTED)) {
			n.retry_failed++;
			g_string_append_printf(why, "; the second attempt on "
			    "the same connection: %s", o.retry_ok ?
			    "not whole" : o.retry_message);
		}
		if (o.ok)
			n.swallowed++;
		else if (!error_clear(fault, &o)) {
			n.unclear++;
			g_string_append_printf(why, "; unclear error (code "
			    "%d): %s", o.code, o.message);
		} else if (!example)
			example = g_strdup_printf("exit %d: %s", o.code,
			    o.message);
		/* A person runs it again after an error. */
		if ((!(o.ok || o.retry_ok) || op->repeatable) &&
		    !rerun(&t, dir, &n, why))
			n.rerun_failed++;
		/* Check carries a few kilobytes of failure message. */
		if (why->len && problems->len < 1500)
			g_string_append_printf(problems, "\n%s at %lu: %.*s",
			    name, at, 400, why->str);
		else if (why->len)
			n.more++;
		testutil_rmtree(dir);
		g_free(dir);
	}
	testutil_report(name, "failure_points=%u committed=%u rolled_back=%u "
	    "partial=%u half=%u integrity_failures=%u unclear_errors=%u "
	    "succeeded_anyway=%u rerun_failures=%u retry_failures=%u",
	    n.points, n.committed, n.rolled_back, n.partial, n.half,
	    n.integrity, n.unclear, n.swallowed, n.rerun_failed,
	    n.retry_failed);
	if (example)
		fprintf(stderr, "%s: e.g. %s\n", name, example);
	testutil_rmtree(t.base);
	g_free(t.base);
	g_free(t.csv);
	g_free(t.ref_text);
	mime_shutdown();
	ck_assert_msg(n.points > 0, "%s: the fault was never reached", name);
	ck_assert_msg(!n.half && !n.integrity && !n.unclear &&
	    !n.rerun_failed && !n.retry_failed, "%s\n(and %u more)",
	    problems->str, n.more);
}

struct vfs_case {
	const struct vfs_op *op;
	enum fault fault;
	enum variant variant;
};

static const struct vfs_case vfs_cases[] = {
	{ &op_init, FAULT_WRITE, CLOSE },
	{ &op_init, FAULT_FULL, CLOSE },
	{ &op_init, FAULT_SYNC, CLOSE },
	{ &op_import, FAULT_WRITE, CLOSE },
	{ &op_import, FAULT_SYNC, CLOSE },
	{ &op_import, FAULT_SYNC, CRASH },
	{ &op_import, FAULT_FULL, RETRY },
	{ &op_invite, FAULT_WRITE, CLOSE },
	{ &op_invite, FAULT_SYNC, CLOSE },
	{ &op_invite, FAULT_SYNC, CRASH },
	{ &op_invite, FAULT_FULL, RETRY },
	{ &op_ingest, FAULT_WRITE, CLOSE },
	{ &op_ingest, FAULT_FULL, CLOSE },
	{ &op_ingest, FAULT_SYNC, CLOSE },
	{ &op_ingest, FAULT_WRITE, CRASH },
	{ &op_ingest, FAULT_SYNC, CRASH },
	{ &op_ingest, FAULT_FULL, RETRY },
	{ &op_record, FAULT_WRITE, CLOSE },
	{ &op_record, FAULT_SYNC, CLOSE },
	{ &op_record, FAULT_FULL, RETRY },
	{ &op_flush, FAULT_WRITE, CLOSE },
	{ &op_flush, FAULT_SYNC, CLOSE },
	{ &op_flush, FAULT_SYNC, CRASH },
	{ &op_flush, FAULT_FULL, RETRY },
};

START_TEST(test_vfs_failing_write_or_sync_leaves_transactions_whole)
{
	const struct vfs_case *c = &vfs_cases[_i];

	vfs_check(c->op, c->fault, c->variant);
}
END_TEST

Suite *
vfs_suite(void)
{
	Suite *s = suite_create("vfs");
	TCase *tc = tcase_create("vfs");

	tcase_set_timeout(tc, testutil_scale(120, 3600));
	tcase_add_loop_test(tc,
	    test_vfs_failing_write_or_sync_leaves_transactions_whole, 0,
	    G_N_ELEMENTS(vfs_cases));
	suite_add_tcase(s, tc);
	return s;
}
