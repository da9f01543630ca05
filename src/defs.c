/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs.c - load definitions: walk the directory, read and parse files, hand each document key to its family's reader, run their resolve steps. */
#include "config.h"
#include "defs.h"

#include "arena.h"
#include "diag.h"
#include "doc.h"
#include "suggest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFS_MAX_DEPTH 16			/* directory nesting */

#define DEFS_FAMILY_ROW(f) &defs_family_##f,
static const struct defs_family *const families[] = { DEFS_FAMILIES(DEFS_FAMILY_ROW) NULL };

/* ---- documents ---- */

static const struct defs_key *
key_find(const char *name)
{
	for (const struct defs_family *const *f = families; *f; f++)
		for (const struct defs_key *k = (*f)->keys; k->name; k++)
			if (k->name[0] == name[0] && strcmp(k->name, name) == 0)
				return k;
	return NULL;
}

/* "Vpcs, …, describe-vpc-attribute output, … and Dnsd": from the tables. */
static char *
keys_read(void)
{
	char *text = NULL, *last = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f)
		return NULL;
	for (const struct defs_family *const *fam = families; *fam; fam++) {
		for (const struct defs_key *k = (*fam)->keys; k->name; k++)
			if (k->listed)
				fprintf(f, "%s%s", ftell(f) ? ", " : "", k->name);
		if ((*fam)->document_name)
			fprintf(f, "%s%s", ftell(f) ? ", " : "", (*fam)->document_name);
	}
	fclose(f);
	if (text && (last = strrchr(text, ',')) != NULL) {
		char *joined = NULL;	/* the last ", " becomes " and " */
		if (asprintf(&joined, "%.*s and%s", (int)(last - text), text, last + 1) >= 0) {
			free(text);
			text = joined;
		}
	}
	return text;
}

/* A key no family reads: the output of an AWS command dnsd does not read
 * (skipped, so that a whole capture directory loads), or a misspelling. */
static void
unknown_key(struct reader *r, const struct doc_node *key)
{
	char text[DEFS_KEY_TEXT], near[2 * DEFS_KEY_TEXT];
	struct suggest s;
	suggest_init(&s, key->str);
	for (const struct defs_family *const *f = families; *f; f++)
		for (const struct defs_key *k = (*f)->keys; k->name; k++)
			suggest_add(&s, k->name);
	defs_key_text(key, text, sizeof(text));
	if (suggest_text(&s, near, sizeof(near))) {
		diag_strict(r->d, r->file, key->line, key->col, "unknown document key '%s', "
			"skipped (did you mean %s?)", text, near);
		return;
	}
	char *known = keys_read();
	diag_strict(r->d, r->file, key->line, key->col, "unknown document key '%s', skipped: "
		"not AWS CLI output dnsd reads (it reads %s)", text,
		known ? known : "the AWS CLI output its README lists");
	free(known);
}

/* A document read as one object by some family (get-hosted-zone output). */
static bool
whole_document(struct reader *r, const struct doc_node *doc)
{
	for (const struct defs_family *const *f = families; *f; f++)
		if ((*f)->document && (*f)->document(r, doc))
			return true;
	return false;
}

static void
read_document(struct reader *r, const struct doc_node *doc)
{
	if (doc->kind != DOC_MAP) {
		diag_error(r->d, r->file, doc->line,
			"a definitions document must be a mapping (like the AWS CLI prints)");
		return;
	}
	if (whole_document(r, doc))
		return;
	for (size_t i = 0; i < doc->count; i++) {
		const struct defs_key *k = key_find(doc->pairs[i].key->str);
		const struct doc_node *v = doc->pairs[i].value;
		if (!k)
			unknown_key(r, doc->pairs[i].key);
		else if (k->item)
			defs_read_each(r, v, k->name, k->item);
		else if (k->read)
			k->read(r, doc, k->name, v);
	}
}

int
defs_load_buffer(struct topology *t, const char *name, const char *buf, size_t len,
	struct diag *d)
{
	struct reader r = { .t = t, .d = d, .file = arena_strdup(t->arena, name),
		.errors_before = d->errors };
	struct arena *parse = arena_create(1 << 20);
	struct doc_node **docs;
	size_t ndocs;
	if (!parse || !r.file) {
		arena_free(parse);
		diag_error(d, name, 0, "out of memory");
		return -1;
	}
	diag_repeats_begin(d);
	if (doc_parse_as(parse, r.file, buf, len, doc_syntax_of(name), &docs, &ndocs, d) == 0)
		for (size_t i = 0; i < ndocs; i++)
			read_document(&r, docs[i]);
	diag_repeats_end(d);
	arena_free(parse);
	t->n_files++;
	return d->errors > r.errors_before ? -1 : 0;
}

int
defs_resolve(struct topology *t, struct diag *d)
{
	unsigned before = d->errors;
	diag_repeats_begin(d);
	for (const struct defs_family *const *f = families; *f; f++)
		if ((*f)->resolve)
			(*f)->resolve(t, d);
	diag_repeats_end(d);
	return d->errors > before ? -1 : 0;
}

/* ---- files ---- */

/* The next directory of a path walked by open_walk: NUL-terminated in
 * place; NULL at the last component, which *last then holds. */
static char *
next_component(char **rest, char **last)
{
	char *p = *rest;
	while (*p == '/')
		p++;
	char *slash = strchr(p, '/');
	while (slash && slash[1] == '/')
		slash++;
	if (!slash || !slash[1]) {
		if (slash)
			*slash = 0;
		*last = p;
		return NULL;
	}
	*strchr(p, '/') = 0;
	*rest = slash + 1;
	return p;
}

/* A path longer than PATH_MAX, opened a directory at a time. */
static int
open_walk(int at, const char *path, int flags)
{
	char *copy = strdup(path), *rest = copy, *last = NULL, *dir;
	int fd = -1, saved;
	if (!copy)
		return -1;
	int cur = path[0] == '/' ? open("/", O_PATH | O_DIRECTORY | O_CLOEXEC) :
		openat(at, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	while (cur >= 0 && (dir = next_component(&rest, &last)) != NULL) {
		int next = *dir ? openat(cur, dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : dup(cur);
		saved = errno;
		close(cur);
		errno = saved;
		cur = next;
	}
	if (cur >= 0) {
		fd = openat(cur, *last ? last : ".", flags);
		saved = errno;
		close(cur);
		errno = saved;
	}
	saved = errno;
	free(copy);
	errno = saved;
	return fd;
}

int
defs_open(int at, const char *path, int flags)
{
	int fd = openat(at, path, flags | O_CLOEXEC);
	if (fd < 0 && errno == ENAMETOOLONG)
		fd = open_walk(at, path, flags | O_CLOEXEC);
	return fd;
}

char *
defs_read_fd(int fd, size_t max, size_t *len, struct stat *st, const char **why)
{
	if (fstat(fd, st) < 0) {
		*why = strerror(errno);
		return NULL;
	}
	if ((unsigned long long)st->st_size > max) {
		*why = "file larger than 1 GiB";
		return NULL;
	}
	size_t size = (size_t)st->st_size, got = 0;
	char *buf = malloc(size + 1);
	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (!buf || got != size) {
		*why = buf ? "cannot read the whole file" : "out of memory";
		free(buf);
		return NULL;
	}
	buf[size] = 0;
	*len = size;
	return buf;
}

/* Read one definitions file, found as name in directory at (path: for messages). */
static int
load_file_at(struct topology *t, int at, const char *name, const char *path, struct diag *d)
{
	struct stat st;
	const char *why = NULL;
	size_t size = 0;
	char *buf = NULL;
	int fd = defs_open(at, name, O_RDONLY);
	if (fd < 0)
		why = strerror(errno);
	else
		buf = defs_read_fd(fd, DEFS_MAX_FILE, &size, &st, &why);
	if (fd >= 0)
		close(fd);
	if (!buf) {
		diag_error(d, path, 0, "cannot read: %s", why);
		return -1;
	}
	int rc = defs_load_buffer(t, path, buf, size, d);
	free(buf);
	return rc;
}

int
defs_load_file(struct topology *t, const char *path, struct diag *d)
{
	return load_file_at(t, AT_FDCWD, path, path, d);
}

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool
is_definitions_file(const char *name)
{
	return has_suffix(name, ".json") || has_suffix(name, ".yaml") || has_suffix(name, ".yml");
}

/* The family that reads files named so besides documents, or NULL. */
static const struct defs_family *
file_family(const char *name)
{
	for (const struct defs_family *const *f = families; *f; f++)
		if ((*f)->file_suffix && has_suffix(name, (*f)->file_suffix))
			return *f;
	return NULL;
}

/** A file for a family, read once every document is (zone files: their
 * hosted zone may be declared in a later file). */
struct deferred {
	struct deferred *next;
	const struct defs_family *family;
	const char *path;
};

/** One walk of a definitions directory. */
struct walk {
	struct topology *t;
	struct diag *d;
	struct deferred *files, **files_tail;
};

static int
defer(struct walk *w, const struct defs_family *family, const char *path)
{
	struct deferred *f = arena_zalloc(w->t->arena, sizeof(*f));
	if (!f || !(f->path = arena_strdup(w->t->arena, path))) {
		diag_error(w->d, path, 0, "out of memory");
		return -1;
	}
	f->family = family;
	*w->files_tail = f;
	w->files_tail = &f->next;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/** The entries of a directory (hidden ones left out), sorted by name. */
struct dir_names {
	char **names;
	size_t n, cap;
};

static void
dir_names_free(struct dir_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

static bool
dir_names_add(struct dir_names *l, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **nn = realloc(l->names, cap * sizeof(*nn));
		if (!nn)
			return false;
		l->names = nn;
		l->cap = cap;
	}
	l->names[l->n] = strdup(name);
	if (!l->names[l->n])
		return false;
	l->n++;
	return true;
}

/* Every name in the directory, or false (reported) when it cannot all be read. */
static bool
dir_names_read(DIR *dh, const char *path, struct dir_names *l, struct diag *d)
{
	struct dirent *de;
	errno = 0;
	while ((de = readdir(dh))) {
		if (de->d_name[0] != '.' && !dir_names_add(l, de->d_name)) {
			diag_error(d, path, 0, "out of memory reading the directory");
			return false;
		}
		errno = 0;
	}
	if (errno) {
		diag_error(d, path, 0, "cannot read the directory: %s", strerror(errno));
		return false;
	}
	if (l->n)
		qsort(l->names, l->n, sizeof(*l->names), name_cmp);
	return true;
}

static int load_dir(struct walk *w, int at, const char *name, const char *path, int depth);

/* One directory entry: a subdirectory, a definitions file or a file a
 * family reads; anything else is not dnsd's. Entries are opened relative
 * to the directory, so a path has no length limit. */
static int
load_entry(struct walk *w, int dir, const char *name, const char *path, int depth)
{
	struct stat st;
	bool wanted = is_definitions_file(name);
	const struct defs_family *family = file_family(name);
	if (fstatat(dir, name, &st, 0) < 0) {
		if (errno == ENOENT && !wanted && !family)
			return 0;	/* a dangling link that is not a definitions file */
		diag_error(w->d, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth < DEFS_MAX_DEPTH)
			return load_dir(w, dir, name, path, depth + 1);
		diag_error(w->d, path, 0, "directories nested more than %d deep", DEFS_MAX_DEPTH);
		return -1;
	}
	if (S_ISREG(st.st_mode) && wanted)
		return load_file_at(w->t, dir, name, path, w->d);
	if (S_ISREG(st.st_mode) && family)
		return defer(w, family, path);
	return 0;
}

static int
load_dir(struct walk *w, int at, const char *name, const char *path, int depth)
{
	int fd = defs_open(at, name, O_RDONLY | O_DIRECTORY);
	DIR *dh = fd >= 0 ? fdopendir(fd) : NULL;
	struct dir_names l = { NULL, 0, 0 };
	int rc = 0;
	if (!dh) {
		diag_error(w->d, path, 0, "cannot read the definitions directory: %s",
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!dir_names_read(dh, path, &l, w->d))
		rc = -1;
	for (size_t i = 0; i < l.n; i++) {
		char *sub = NULL;
		if (asprintf(&sub, "%s/%s", path, l.names[i]) < 0) {
			diag_error(w->d, path, 0, "out of memory");
			rc = -1;
			break;
		}
		if (load_entry(w, dirfd(dh), l.names[i], sub, depth) < 0)
			rc = -1;
		free(sub);
	}
	dir_names_free(&l);
	closedir(dh);
	return rc;
}

int
defs_load_dir(struct topology *t, const char *dir, struct diag *d)
{
	struct walk w = { t, d, NULL, &w.files };
	unsigned errors = d->errors;
	int rc = load_dir(&w, AT_FDCWD, dir, dir, 0);
	if (t->n_files == 0 && !w.files && d->errors == errors) {
		/* most likely a wrong --zones, or files being rewritten */
		diag_error(d, dir, 0, "no definitions (*.json, *.yaml, *.yml) found");
		return -1;
	}
	for (struct deferred *f = w.files; f; f = f->next) {
		diag_repeats_begin(d);
		if (f->family->read_file(t, f->path, d) < 0)
			rc = -1;
		diag_repeats_end(d);
	}
	return rc;
}
