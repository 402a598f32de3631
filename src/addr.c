/* SPDX-License-Identifier: MIT */
/*
 * Address checks for the addresses we import and send to.  Deliberately
 * narrower than RFC 5322 (no quoted local parts, comments or domain
 * literals): what a participant list really holds, with nothing that could
 * smuggle a header or an SMTP command.  No I/O, no DNS.
 */
#include "addr.h"

#include <assert.h>
#include <string.h>

#include <glib.h>

#include "banned.h"

/* RFC 1035 section 2.3.4 and RFC 5321 section 4.5.3.1.2. */
#define ADDR_MAX_LABEL_LEN 63
#define ADDR_MAX_DOMAIN_LEN 253

/* RFC 5322 section 3.2.3 atext, less ALPHA and DIGIT. */
static bool
addr_is_atext(unsigned char c)
{
	return g_ascii_isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool
addr_local_valid(const char *local, size_t len)
{
	size_t i;

	if (len == 0 || len > ADDR_MAX_LOCAL_LEN)
		return false;
	if (local[0] == '.' || local[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)local[i];

		if (c == '.') {
			if (local[i + 1] == '.')
				return false;
		} else if (!addr_is_atext(c)) {
			return false;
		}
	}
	return true;
}

/* One label of len octets, valid UTF-8 already checked. */
static bool
addr_label_valid(const char *label, size_t len)
{
	const char *p;
	const char *end = label + len;

	if (len == 0)
		return false;
	if (label[0] == '-' || label[len - 1] == '-')
		return false;
	for (p = label; p < end; p += g_utf8_skip[(unsigned char)*p]) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x80) {
			if (!g_ascii_isalnum(c) && c != '-')
				return false;
		} else if (!g_unichar_isalnum(c) && !g_unichar_ismark(c)) {
			return false;
		}
	}
	return true;
}

/* Lengths are limits on the A-label (ASCII) form the DNS sees. */
static bool
addr_domain_lengths_valid(const char *domain)
{
	g_autofree char *ascii = NULL;
	g_auto(GStrv) labels = NULL;
	size_t i;

	ascii = g_hostname_to_ascii(domain);
	if (!ascii || strlen(ascii) > ADDR_MAX_DOMAIN_LEN)
		return false;
	labels = g_strsplit(ascii, ".", -1);
	for (i = 0; labels[i]; i++)
		if (strlen(labels[i]) > ADDR_MAX_LABEL_LEN)
			return false;
	return true;
}

static bool
addr_domain_valid(const char *domain)
{
	const char *label = domain;
	const char *dot;
	bool all_digits = true;
	size_t nlabels = 0;
	size_t i, len;

	for (;;) {
		dot = strchr(label, '.');
		len = dot ? (size_t)(dot - label) : strlen(label);
		if (!addr_label_valid(label, len))
			return false;
		nlabels++;
		if (!dot)
			break;
		label = dot + 1;
	}
	if (nlabels < 2)
		return false;
	/* "user@10.0.0.1" is an IP address, not a domain name. */
	for (i = 0; i < len; i++)
		if (!g_ascii_isdigit(label[i]))
			all_digits = false;
	if (all_digits)
		return false;
	return addr_domain_lengths_valid(domain);
}

bool
addr_valid(const char *addr)
{
	const char *at;
	size_t len;

	if (!addr)
		return false;
	len = strlen(addr);
	if (len == 0 || len > ADDR_MAX_LEN)
		return false;
	if (!g_utf8_validate(addr, (gssize)len, NULL))
		return false;
	at = strchr(addr, '@');
	if (!at || strchr(at + 1, '@'))
		return false;
	if (!addr_local_valid(addr, (size_t)(at - addr)))
		return false;
	return addr_domain_valid(at + 1);
}

static char *
addr_strdown(const char *s)
{
	if (g_utf8_validate(s, -1, NULL))
		return g_utf8_strdown(s, -1);
	return g_ascii_strdown(s, -1);
}

char *
addr_normalize(const char *addr)
{
	g_autofree char *trimmed = NULL;
	g_autofree char *domain = NULL;
	char *at;

	assert(addr);
	trimmed = g_strstrip(g_strdup(addr));
	at = strrchr(trimmed, '@');
	if (!at)
		return g_steal_pointer(&trimmed);
	domain = addr_strdown(at + 1);
	*at = '\0';
	return g_strconcat(trimmed, "@", domain, NULL);
}

char *
addr_key(const char *addr)
{
	g_autofree char *trimmed = NULL;

	assert(addr);
	trimmed = g_strstrip(g_strdup(addr));
	return addr_strdown(trimmed);
}
