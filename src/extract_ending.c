/* SPDX-License-Identifier: MIT */
/*
 * Reply extraction: where the participant's own text ends.  Recognises
 * mobile and webmail signatures, closings and sign-offs, the sender's name
 * or initials signing, legal disclaimers and inline PGP armor.  Furniture
 * that introduces an original (attributions, header blocks, separators)
 * is extract_original.c's.
 */
#include "extract.h"

#include <string.h>

#include "extract_private.h"

#include "banned.h"

/* Mobile and webmail signature lines (lowercase prefixes). */
static const char *const extract_mobile_sigs[] = {
	"sent from ", "sent via ", "sent with ", "get outlook for ",
	"diese nachricht wurde von meinem ", "verzonden met ",
	"verstuurd vanaf mijn ", "inviato da ", "從我的 ", "envoyé de mon ",
	"envoyé depuis mon ", "envoyé à partir de ", "enviado desde mi ",
	"enviado do meu ", "enviado de meu ",
	"gesendet von ", "отправлено с ", "发自我的",
	/* Mail apps name themselves: "Enviado desde Yahoo Mail para ...". */
	"enviado desde ", "envoyé depuis ", "enviado do ", "enviado via ",
	"отправлено из ", "发自网易邮箱", "发自 ", "來自我的",
	"أرسلت من ", "أُرسلت من ", "تم الإرسال من ",
	/* "Get Outlook for iOS" as Outlook localizes it. */
	"obtener outlook para ", "obtenir outlook pour ",
	"outlook für ", "obter o outlook para ", "получить outlook для ",
	"获取 outlook", "احصل على outlook", "verzonden vanaf mijn ",
	"inviato dal mio ", "skickat från min ", "sendt fra min ",
	"sendt fra mi ", "στάλθηκε από ", "enviat des del meu ",
	"надіслано з ", NULL,
};

/*
 * Prefixes that also start ordinary sentences ("Von meinem Standpunkt
 * aus", "从我的角度来看"): a signature only when the line names a device
 * or a mail app (extract_mobile_sig_words).
 */
static const char *const extract_mobile_sigs_weak[] = {
	"von meinem ", "从我的", "從我的", "envoyé de ", "envoyé avec ",
	"enviado con ", "从 ", "從 ", "lähetetty ", "wysłane z ",
	"odesláno z ", "נשלח מ", "gửi từ ", "dikirim dari ", "trimis de pe ",
	"από το ", NULL,
};

/* The same, written after the device ("iPhoneから送信"). */
static const char *const extract_mobile_sig_ends[] = {
	"から送信", "から送信しました", "에서 보냄", "에서 보냈습니다",
	"에서 보냈습니다.", "den gönderildi", "dan gönderildi", "ról küldve",
	"ről küldve", NULL,
};

/* What a signature line names: a device or a mail app. */
static const char *const extract_mobile_sig_words[] = {
	"iphon", "ipad", "ios", "android", "samsung", "galaxy", "huawei",
	"xiaomi", "redmi", "oppo", "pixel", "nokia",
	"blackberry", "outlook", "yahoo", "gmail", "proton", "spark",
	"aol", "zoho", "windows", "bluemail", "k-9", "fairemail",
	"aquamail", NULL,
};

/* Words that name a device but also make sentences: right after. */
static const char *const extract_mobile_sig_generic[] = {
	"phone", "mobile", "tablet", "handy", "móvil", "movil", "celular",
	"portable", "téléphone", "telefon", "телефон", "мобильн",
	"устройств", "手机", "手機", "移动", "邮件", "郵件", "邮箱", "郵箱",
	"メール", "휴대", "جهاز", "هاتف", "جوال", NULL,
};

/*
 * Closings that start a sign-off, casefolded ("ß" folds to "ss"), without
 * the comma.
 */
static const char *const extract_closings[] = {
	"thanks", "thank you", "many thanks", "best", "best regards",
	"kind regards", "regards", "warm regards", "best wishes", "cheers",
	"sincerely", "yours sincerely", "cordialement", "bien cordialement",
	"bien à vous", "merci", "salutations", "mit freundlichen grüssen",
	"viele grüsse", "beste grüsse", "liebe grüsse", "gruss", "saludos",
	"saludos cordiales", "un saludo", "atentamente", "gracias",
	"atenciosamente", "abraços", "obrigado", "obrigada", "cumprimentos",
	"с уважением", "спасибо", "с наилучшими пожеланиями", "此致",
	"此致敬礼", "谢谢", "謝謝", "祝好", "敬祝", "顺颂商祺", "順頌商祺",
	"مع التحية", "مع خالص التحية", "تحياتي",
	"شكرا", "شكراً", "مع أطيب التحيات", "un cordial saludo",
	"cordial saludo", "cordiales saludos", "un saludo cordial",
	"cordialmente", "un abrazo", "bonne journée", "bonne soirée",
	"belle journée", "belle soirée", "bonne fin de journée",
	"merci et bonne journée", "merci et bonne soirée",
	"merci et belle journée", "merci et à bientôt",
	"thanks and best regards", "thanks and kind regards",
	"gracias y saludos", "gracias y un saludo", "obrigado e abraços",
	"спасибо и всего доброго", "وشكرا", "وشكراً",
	"très belle journée", "всего доброго", "всего хорошего",
	"مع خالص الشكر", "وتفضلوا بقبول فائق الاحترام والتقدير",
	"مع خالص الشكر والتقدير", "مع الشكر والتقدير", "شكرا وتقديرا",
	"مع خالص الشكر والامتنان", "مع الشكر", "مع التقدير",
	"敬祝商祺", "敬祝 商祺", "順頌時祺", "順頌 時祺", "顺颂时祺",
	"顺颂 时祺",
	"meilleures salutations", "sincères salutations", "amitiés",
	"with best regards", "with kind regards", "kindest regards",
	"all the best", "thanks and regards", "thanks & regards",
	"freundliche grüsse", "herzliche grüsse", "schöne grüsse",
	"mit besten grüssen", "melhores cumprimentos",
	"com os melhores cumprimentos", "um abraço", "всего доброго",
	"всего наилучшего", "顺祝商祺", "顺颂商祺", "顺祝时祺", "祝商祺",
	"敬上", "مع فائق الاحترام", "مع أطيب التمنيات", "مع خالص التحيات",
	"مع التحيات", "مع فائق التقدير", "وتقبلوا فائق الاحترام",
	/* it, nl, pl, tr, vi, ko, ja, hi, id, sw */
	"cordiali saluti", "distinti saluti", "saluti", "un saluto",
	"un caro saluto", "grazie", "grazie mille", "a presto",
	"buona giornata", "buona serata", "buon lavoro",
	"met vriendelijke groet", "met vriendelijke groeten",
	"vriendelijke groet", "vriendelijke groeten", "hartelijke groet",
	"groeten", "groet", "pozdrawiam", "z poważaniem",
	"serdecznie pozdrawiam", "pozdrawiam serdecznie",
	"z wyrazami szacunku", "saygılarımla", "saygılarımızla",
	"iyi çalışmalar", "teşekkürler", "teşekkür ederim", "trân trọng",
	"thân mến", "thân", "xin cảm ơn", "감사합니다", "고맙습니다", "감사드립니다",
	"よろしくお願いいたします", "よろしくお願いします",
	"宜しくお願い致します", "敬具", "धन्यवाद", "सादर", "भवदीय",
	"धन्यवाद सहित", "सधन्यवाद", "भवदीया", "शुभकामनाओं सहित",
	"salam", "hormat saya", "hormat kami", "terima kasih",
	"salam hangat", "wako", "wako mwaminifu", "asante", "kila la heri",
	/* more of en, fr, es, pt, de, ru, zh */
	"warm wishes", "with thanks", "thanks again", "many thanks again",
	"yours", "yours truly", "respectfully", "take care", "greetings",
	"merci beaucoup", "merci d'avance", "très cordialement",
	"salutations distinguées", "muchas gracias", "abrazos",
	"un fuerte abrazo", "saudações", "muito obrigado", "muito obrigada",
	"vielen dank", "danke", "благодарю", "заранее спасибо",
	"hochachtungsvoll", "وتفضلوا بقبول فائق الاحترام",
	"وتفضلوا بقبول فائق التقدير", "وتفضلوا بقبول وافر الاحترام",
	"всего хорошего", "敬礼", "祝工作顺利", "多谢",
	/* am, bn, cs, el, fa, he, hu, ja, sv, th, uk, ur */
	"ከሰላምታ ጋር", "አመሰግናለሁ", "እናመሰግናለን", "ধন্যবাদ", "শুভেচ্ছান্তে",
	"শুভেচ্ছা সহ", "s pozdravem", "s přátelským pozdravem", "s úctou",
	"děkuji", "με εκτίμηση", "ευχαριστώ", "φιλικά", "با احترام",
	"با سپاس", "با تشکر", "בברכה", "בברכה רבה", "תודה", "תודה רבה",
	"בתודה", "üdvözlettel", "baráti üdvözlettel", "tisztelettel",
	"köszönöm", "以上、よろしくお願いいたします", "以上、よろしくお願いします",
	"med vänliga hälsningar", "vänliga hälsningar",
	"med vänlig hälsning", "vänlig hälsning", "hälsningar", "tack",
	"ขอบคุณ", "ขอบคุณครับ", "ขอบคุณค่ะ", "ด้วยความเคารพ",
	"ขอแสดงความนับถือ", "з повагою", "дякую", "щиро дякую",
	"з найкращими побажаннями", "شکریہ", "والسلام", NULL,
};

/*
 * Formal closings that go on as a sentence ("Je vous prie d'agréer,
 * Madame, Monsieur, l'expression de mes salutations distinguées."),
 * casefolded: a line starting with one is a closing.
 */
static const char *const extract_closing_openers[] = {
	"je vous prie d'agréer", "je vous prie d’agréer",
	"veuillez agréer", "je vous prie de recevoir", "veuillez recevoir",
	"le saluda atentamente", "reciba un cordial saludo",
	"примите уверения", NULL,
};

/* "Many thanks and best wishes", "Muchas gracias y saludos": two closings. */
static const char *const extract_closing_and[] = {
	" and ", " & ", " y ", " e ", " et ", " и ", " und ", ", ", NULL,
};

/* Is folded (casefolded, no end mark) one closing of the list? */
static bool
extract_is_listed_closing(const char *folded)
{
	size_t i;

	for (i = 0; extract_closings[i]; i++)
		if (folded[0] == extract_closings[i][0] &&
		    strcmp(folded, extract_closings[i]) == 0)
			return true;
	return false;
}

/* "Greetings from Geneva,": a closing, then where it is sent from. */
static const char *const extract_closing_from[] = {
	" from ", " desde ", " de ", " aus ", " da ", " из ", NULL,
};

/* Words that start in the first n bytes of s. */
static size_t
extract_word_count_n(const char *s, size_t n)
{
	size_t words = 0, i;
	bool in_word = false;

	for (i = 0; i < n && s[i]; i++) {
		if (s[i] == ' ')
			in_word = false;
		else if (!in_word) {
			in_word = true;
			words++;
		}
	}
	return words;
}

/* Whether s starts with the first letter of one of words, any case. */
static bool
extract_starts_like_any(const char *s, const char *const *words)
{
	gunichar c = g_utf8_get_char_validated(s, -1);
	size_t i;

	if (c == (gunichar)-1 || c == (gunichar)-2)
		return true;	/* let the full comparison decide */
	c = g_unichar_tolower(c);
	/* Only a non-ASCII letter is decoded, and only against another. */
	for (i = 0; words[i]; i++) {
		unsigned char first = (unsigned char)words[i][0];

		if (first < 0x80 ? first == c : c >= 0x80 &&
		    g_utf8_get_char(words[i]) == c)
			return true;
	}
	return false;
}

/*
 * Whether valid UTF-8 s starts with word, a lowercase word, comparing
 * character by character lowercased: "Отправлено с iPhone" is Cyrillic.
 */
static bool
extract_has_prefix_lower(const char *s, const char *word)
{
	while (*word) {
		if (!*s || g_unichar_tolower(g_utf8_get_char(s)) !=
		    g_utf8_get_char(word))
			return false;
		s += g_utf8_skip[*(const guchar *)s];
		word += g_utf8_skip[*(const guchar *)word];
	}
	return true;
}

/* Characters of wide (CJK) script in s. */
static size_t
extract_wide_count(const char *s)
{
	size_t n = 0;

	for (; *s; s += g_utf8_skip[*(const guchar *)s])
		if (g_unichar_iswide(g_utf8_get_char(s)))
			n++;
	return n;
}

/*
 * Where word starts a word of low, or NULL: a device's name is a word of
 * its own ("my iPhone", "华为Galaxy"), never the end of another ("ios" in
 * "scenarios", "aol" in "Kaolack").
 */
static const char *
extract_find_word_start(const char *low, const char *word)
{
	const char *at = strstr(low, word);

	while (at && at > low && g_ascii_isalnum(at[-1]))
		at = strstr(at + 1, word);
	return at;
}

/*
 * Does rest, the text after a signature prefix, name a device or a mail
 * app soon after it: "my iPhone", "mon appareil Galaxy", "华为手机"?  A
 * word that also makes sentences ("phone", "手机") counts right after the
 * prefix, with little after it: "手机发送", not "手机上很难参加电话会议".
 */
static bool
extract_names_device(const char *rest)
{
	char *low = g_utf8_strdown(rest, -1);
	bool found = false;
	size_t i;

	for (i = 0; extract_mobile_sig_words[i] && !found; i++) {
		const char *at = extract_find_word_start(low,
		    extract_mobile_sig_words[i]);

		found = at && extract_word_count_n(low, (size_t)(at - low)) < 4;
	}
	for (i = 0; extract_mobile_sig_generic[i] && !found; i++) {
		const char *at = strstr(low, extract_mobile_sig_generic[i]);
		const char *after;

		if (!at || extract_word_count_n(low, (size_t)(at - low)) >= 2)
			continue;
		after = at + strlen(extract_mobile_sig_generic[i]);
		found = extract_word_count(after) <= 3 &&
		    extract_wide_count(after) <= 4;
	}
	g_free(low);
	return found;
}

/*
 * A mobile or webmail signature line.  A prefix ("Sent from ", "发自我的")
 * starts ordinary sentences too ("Sent from our regional office the
 * comments ...", "Отправлено с опозданием"): the line names a device or
 * an app, as most clients' do, or the prefix names the app itself ("Get
 * Outlook for ", "发自网易邮箱").  Apps unknown here ("Sent from my Wiko
 * RIDGE FAB 4G", "Sent from TypeApp") are short and not a sentence: such
 * a line is a signature where it starts a paragraph, never typed right
 * under a marker or an answer's line (EXTRACT_SIG_ALONE).
 */
enum extract_sig
extract_mobile_signature(const char *s)
{
	size_t i, n;

	if (strlen(s) > 80 || strchr(s, ',') || strstr(s, "\xef\xbc\x8c") ||
	    strstr(s, "\xe3\x80\x82"))	/* ， 。 */
		return EXTRACT_SIG_NONE;
	for (i = 0; extract_mobile_sig_ends[i]; i++)
		if (g_str_has_suffix(s, extract_mobile_sig_ends[i]))
			return EXTRACT_SIG_DEVICE;
	/*
	 * Outlook for iOS and Android, in any language: "Get Outlook for
	 * iOS<https://aka.ms/o0ukef>", "iOS için Outlook edinin<...>".
	 */
	if (strstr(s, "Outlook") && strstr(s, "aka.ms/"))
		return EXTRACT_SIG_DEVICE;
	/* Most lines start with a letter that starts no signature. */
	if (extract_starts_like_any(s, extract_mobile_sigs))
		for (i = 0; extract_mobile_sigs[i]; i++) {
			const char *sig = extract_mobile_sigs[i];
			const char *rest;

			if (!extract_has_prefix_lower(s, sig))
				continue;
			rest = s + strlen(sig);
			if (extract_names_device(sig) ||
			    extract_names_device(rest))
				return EXTRACT_SIG_DEVICE;
			n = strlen(rest);
			return extract_word_count(rest) <= 6 && n > 0 &&
			    !strchr(".!?:;", rest[n - 1]) &&
			    !extract_ends_as_sentence(rest) ?
			    EXTRACT_SIG_ALONE : EXTRACT_SIG_NONE;
		}
	if (!extract_starts_like_any(s, extract_mobile_sigs_weak) ||
	    extract_word_count(s) > 8)
		return EXTRACT_SIG_NONE;
	/*
	 * The device or app soon after the prefix, in a short line: "Von
	 * meinem iPhone gesendet", "Envoyé avec la messagerie sécurisée
	 * Proton Mail", not "Envoyé de Genève, le rapport ... téléphone".
	 */
	for (i = 0; extract_mobile_sigs_weak[i]; i++)
		if (extract_has_prefix_lower(s, extract_mobile_sigs_weak[i]))
			return extract_names_device(s +
			    strlen(extract_mobile_sigs_weak[i])) ?
			    EXTRACT_SIG_DEVICE : EXTRACT_SIG_NONE;
	return EXTRACT_SIG_NONE;
}

/*
 * s casefolded, newly allocated, where a Turkish "İ" (folded to "i" and
 * a combining dot) is a plain "i": "İyi çalışmalar".
 */
static char *
extract_casefold(const char *s)
{
	char *folded = g_utf8_casefold(s, -1);
	char *r, *w;

	for (r = w = folded; *r; r++) {
		if (r > folded && r[-1] == 'i' && r[0] == '\xcc' &&
		    r[1] == '\x87') {
			r++;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	return folded;
}

/* Is s a closing alone ("Kind regards,", "С уважением,", "此致")? */
bool
extract_is_closing_phrase(const char *s)
{
	char *folded;
	size_t n;
	bool found = false;
	size_t i, j;

	/*
	 * Most lines start with a letter that starts no closing, and an
	 * answer's paragraph is longer than any closing sentence.
	 */
	/* "張淑芬 敬上": a name, then "respectfully" (Chinese letters). */
	n = strlen(s);
	if (n <= 30 && (g_str_has_suffix(s, "敬上") ||
	    g_str_has_suffix(s, "謹上") || g_str_has_suffix(s, "谨上") ||
	    g_str_has_suffix(s, "拜上")))
		return true;
	/* "敬祝 順心", "顺祝 商祺", "謹祝 安康": a wish, then two words. */
	if (n <= 24 && (g_str_has_prefix(s, "敬祝") ||
	    g_str_has_prefix(s, "顺祝") || g_str_has_prefix(s, "順祝") ||
	    g_str_has_prefix(s, "谨祝") || g_str_has_prefix(s, "謹祝") ||
	    g_str_has_prefix(s, "顺颂") || g_str_has_prefix(s, "順頌")))
		return true;
	if (n > EXTRACT_CLOSING_MAX ||
	    (!extract_starts_like_any(s, extract_closings) &&
	    !extract_starts_like_any(s, extract_closing_openers)))
		return false;
	folded = extract_casefold(s);
	n = strlen(folded);
	/* Hungarian signs off with a colon: "Üdvözlettel:". */
	if (n >= 1 && strchr(",.!:", folded[n - 1]))
		folded[--n] = '\0';
	else if (n >= 3 && (memcmp(folded + n - 3, "\xef\xbc\x8c", 3) == 0 ||
	    memcmp(folded + n - 3, "\xef\xbc\x81", 3) == 0 ||
	    memcmp(folded + n - 3, "\xe3\x80\x82", 3) == 0 ||
	    memcmp(folded + n - 3, "\xe1\x8d\xa3", 3) == 0))	/* ，！。፣ */
		folded[n -= 3] = '\0';
	else if (n >= 2 && memcmp(folded + n - 2, "\xd8\x8c", 2) == 0)
		folded[n -= 2] = '\0';				/* ، */
	g_strchomp(folded);
	/* "With best wishes", "with many thanks": "with" and a closing. */
	found = g_str_has_prefix(folded, "with ") &&
	    extract_is_listed_closing(folded + 5);
	for (i = 0; extract_closings[i] && !found; i++) {
		size_t len;
		const char *from;

		if (folded[0] != extract_closings[i][0])
			continue;
		len = strlen(extract_closings[i]);
		if (strncmp(folded, extract_closings[i], len) != 0)
			continue;
		if (folded[len] == '\0') {
			found = true;
			continue;
		}
		for (j = 0; extract_closing_and[j] && !found; j++) {
			size_t n_and = strlen(extract_closing_and[j]);

			found = strncmp(folded + len, extract_closing_and[j],
			    n_and) == 0 &&
			    extract_is_listed_closing(folded + len + n_and);
		}
		/* "warm wishes from nairobi": a place of one or two words. */
		for (j = 0; extract_closing_from[j] && !found; j++) {
			size_t n_from = strlen(extract_closing_from[j]);

			from = extract_closing_from[j];
			found = strncmp(folded + len, from, n_from) == 0 &&
			    extract_word_count(folded + len + n_from) <= 2;
		}
	}
	for (i = 0; extract_closing_openers[i] && !found; i++)
		found = g_str_has_prefix(folded, extract_closing_openers[i]) &&
		    extract_word_count(folded) <= 20;
	g_free(folded);
	return found;
}

/*
 * Thanks alone, casefolded, as a whole answer to "Anything else?" may be:
 * a closing ("Kind regards,") never is.
 */
static const char *const extract_thanks[] = {
	"thanks", "thank you", "many thanks", "thanks a lot", "merci",
	"merci beaucoup", "gracias", "muchas gracias", "obrigado",
	"obrigada", "muito obrigado", "muito obrigada", "danke",
	"vielen dank", "grazie", "grazie mille", "спасибо",
	"большое спасибо", "благодарю", "谢谢", "謝謝", "多谢", "多謝", "感谢",
	"感謝", "非常感谢", "非常感謝",
	"شكرا", "شكراً", "شكرا جزيلا", "teşekkürler", "teşekkür ederim",
	"ありがとうございます", "감사합니다", "terima kasih", "asante",
	"धन्यवाद", "ধন্যবাদ", "شکریہ", "děkuji", "dziękuję", "dank je",
	"bedankt", "tack", "ευχαριστώ", "תודה", "köszönöm", "cảm ơn",
	"ขอบคุณ", "дякую", "አመሰግናለሁ", "با تشکر", "ممنون", NULL,
};

/* Is s thanks alone ("Thanks!", "谢谢！", "Merci beaucoup.")? */
bool
extract_is_thanks(const char *s)
{
	char *folded = g_utf8_casefold(s, -1);
	char *end;
	size_t i;
	bool found = false;

	/*
	 * Down to the words: ".", "!", "。", "！" and blanks off the end.
	 * A comma stays: "Thanks," is a closing, as "Kind regards," is.
	 */
	for (end = folded + strlen(folded); end > folded; ) {
		if (strchr(" .!", end[-1]))
			end--;
		else if (end - folded >= 3 && (memcmp(end - 3,
		    "\xef\xbc\x81", 3) == 0 || memcmp(end - 3,
		    "\xe3\x80\x82", 3) == 0))
			end -= 3;
		else
			break;
	}
	*end = '\0';
	for (i = 0; extract_thanks[i] && !found; i++)
		found = strcmp(folded, extract_thanks[i]) == 0;
	g_free(folded);
	return found;
}

/*
 * Phrases of the legal disclaimers organisations append to every mail,
 * casefolded: a paragraph holding one is furniture, not an answer.  Only
 * phrases no participant writes about the BPFs.
 */
static const char *const extract_disclaimer_phrases[] = {
	"not the intended recipient", "intended solely for",
	"intended only for",
	"intended exclusively for", "received this e-mail in error",
	"received this email in error", "received this message in error",
	"received it in error", "consider the environment before printing",
	"any attachments are confidential", "à l'intention exclusive",
	"reçu ce message par erreur", "reçu ce courriel par erreur",
	"destinataires prévus", "l'environnement avant d'imprimer",
	"pièces jointes sont confidentiel", "nicht der richtige adressat",
	"nicht der beabsichtigte empfänger", "irrtümlich erhalten",
	"vertrauliche und/oder rechtlich geschützte",
	"exclusivamente a su destinatario",
	"exclusivamente a sus destinatarios",
	"recibido este mensaje por error", "recibido este correo por error",
	"únicamente a su destinatario", "lo recibió por error",
	"la recibió por error",
	"aviso de confidencialidad", "uso exclusivo del destinatario",
	"adjuntos son confidenciales", "esclusivamente alle persone indicate",
	"esclusivamente al destinatario",
	"ricevuto questo messaggio per errore", "recebeu por engano",
	"recebeu esta mensagem por engano", "anexos são confidenciais",
	"uso exclusivo do destinatário",
	"получили это сообщение по ошибке", "получили это письмо по ошибке",
	"не являетесь адресатом", "не являетесь предполагаемым получателем",
	"предназначены только для адресата", "получили его по ошибке",
	"содержит конфиденциальную информацию", "保密信息", "错误地收到",
	"仅限于发送给", "机密信息", "機密情報", "誤って受信", "기밀 정보",
	"잘못 수신", "معلومات سرية", "تلقيت هذه الرسالة عن طريق الخطأ",
	"تلقيتها عن طريق الخطأ", "سرية ومخصصة",
	NULL,
};

/*
 * Parts of the phrases above as they stand in text, whatever the case of
 * its first letters: a message holding none has no disclaimer, and most
 * are read without casefolding a paragraph.
 */
static const char *const extract_disclaimer_anchors[] = {
	"ntended", "rror", "nvironment", "onfidential", "clusiv",
	"dressat", "mpfänger", "rrtümlich", "engano", "nexos", "ошибке",
	"адресат", "конфиденц", "保密", "错误", "发送给", "机密", "機密", "誤って",
	"기밀", "잘못", "سرية", "الخطأ", NULL,
};

static bool
extract_has_any(const char *s, const char *const *needles)
{
	size_t i;

	for (i = 0; needles[i]; i++)
		if (strstr(s, needles[i]))
			return true;
	return false;
}

/*
 * Inline PGP clear-signing (RFC 4880 7.1): the signed text follows the
 * "-----BEGIN PGP SIGNED MESSAGE-----" line and its armor headers
 * ("Hash: SHA256") up to "-----BEGIN PGP SIGNATURE-----", with "- "
 * put before each line that starts with a dash.  Takes the escape off
 * ("- -- " is the signature's "-- ", "- - item" a list's "- item"), before
 * the lines are classified.
 */
void
extract_unescape_pgp(struct extract_ctx *c)
{
	size_t i;
	unsigned depth = 0;
	bool signed_text = false;

	for (i = 0; i < c->n; i++) {
		struct extract_line *l = &c->lines[i];

		if (strcmp(l->content, EXTRACT_PGP_BEGIN) == 0) {
			signed_text = true;
			depth = l->depth;
		} else if (signed_text && l->depth == depth &&
		    strcmp(l->content, "-----BEGIN PGP SIGNATURE-----") == 0) {
			signed_text = false;
		} else if (signed_text && l->depth == depth &&
		    g_str_has_prefix(l->text, "- ")) {
			l->text += 2;
			l->content = l->text;
			while (g_ascii_isspace(*l->content))
				l->content++;
		}
	}
}

/* The clear-signing header line and its armor headers are no text. */
void
extract_mark_pgp_armor(struct extract_ctx *c)
{
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->lines[i].content, EXTRACT_PGP_BEGIN) != 0)
			continue;
		c->lines[i].kind = EXTRACT_ARMOR;
		for (j = i + 1; j < c->n && c->lines[j].depth ==
		    c->lines[i].depth && c->lines[j].kind != EXTRACT_BLANK &&
		    strchr(c->lines[j].content, ':'); j++)
			c->lines[j].kind = EXTRACT_ARMOR;
	}
}

/*
 * Could s, the line under a closing, be a name: "Grace Mensah", "Dr. Lina
 * Park", "Jan van der Berg", "mike", "王芳", "أحمد المصري"?  Not a
 * sentence going on after "Thanks": "IGF 2019 was the best one", "Por
 * todo el trabajo realizado", "За вашу работу" have lowercase words
 * other than a name's particles; in a script without case, a name has
 * at most three words ("على هذا العمل الرائع" has four) and five
 * characters written without spaces ("秘书处的辛勤工作" has eight).
 */
static bool
extract_looks_like_name(const char *s)
{
	static const char *const particles[] = {
		"van", "von", "der", "den", "de", "da", "del", "della", "di",
		"du", "dos", "das", "do", "la", "le", "bin", "ibn", "al", "el",
		"ter", "ten", "zu", "y", "e", NULL,
	};
	char **words = g_strsplit(s, " ", -1);
	size_t n = 0, lower = 0, wide = 0;
	bool cased = false;
	size_t i;

	for (i = 0; words[i]; i++) {
		gunichar first = g_utf8_get_char(words[i]);

		if (!*words[i])
			continue;
		n++;
		wide = MAX(wide, extract_wide_count(words[i]));
		if (g_unichar_isupper(first) || g_unichar_istitle(first))
			cased = true;
		else if (g_unichar_islower(first)) {
			cased = true;
			lower += !g_strv_contains(particles, words[i]);
		}
	}
	g_strfreev(words);
	if (n > 4 || wide > 5)
		return false;
	/* "mike", "mike s": a name all in lowercase is short. */
	if (lower > 0)
		return lower == n && n <= 2;
	return cased || n <= 3;
}

/* Is the paragraph of own lines [start, end) a legal disclaimer? */
static bool
extract_is_disclaimer(const struct extract_ctx *c, size_t start, size_t end)
{
	GString *para = g_string_new(NULL);
	char *folded;
	bool found;
	size_t i;

	for (i = start; i < end; i++) {
		g_string_append(para, c->lines[i].content);
		g_string_append_c(para, ' ');
	}
	found = extract_has_any(para->str, extract_disclaimer_anchors);
	if (found) {
		folded = g_utf8_casefold(para->str, (gssize)para->len);
		found = extract_has_any(folded, extract_disclaimer_phrases);
		g_free(folded);
	}
	g_string_free(para, TRUE);
	return found;
}

/*
 * Would lines [start, end) sign a message: a name line, then at most four
 * short lines (title, organisation, telephone), none a sentence?
 */
static bool
extract_is_name_block(const struct extract_ctx *c, size_t start, size_t end)
{
	size_t i;

	if (end - start > 5 ||
	    !extract_looks_like_name(c->lines[start].content))
		return false;
	for (i = start; i < end; i++) {
		const char *s = c->lines[i].content;
		size_t n = strlen(s);

		if (g_utf8_strlen(s, -1) > 60 || strchr(".!?:", s[n - 1]) ||
		    extract_ends_as_sentence(s))
			return false;
	}
	return true;
}

/*
 * A legal disclaimer in the participant's own text ends it, like a
 * signature: "4\n\nSarah Mitchell\nSenior Adviser\n\nThis e-mail and
 * any attachments are confidential ..." without [END] or "-- " keeps
 * "4".  The name block right above the disclaimer goes with it when an
 * answer's text stands above that block (never an answer of its own:
 * "[Q4]\nBPF Gender 2016\n\n<disclaimer>" keeps its answer).
 */
void
extract_mark_disclaimers(struct extract_ctx *c, size_t own_end)
{
	size_t i, end, j, k;

	/* Disclaimers are long lines of the own text. */
	for (i = 0; i < own_end; i++)
		if (c->lines[i].depth == 0 && c->lines[i].kind ==
		    EXTRACT_TEXT && strlen(c->lines[i].content) >= 24 &&
		    extract_has_any(c->lines[i].content,
		    extract_disclaimer_anchors))
			break;
	if (i == own_end)
		return;
	for (i = 0; i < own_end; i = end + 1) {
		for (end = i; end < own_end && c->lines[end].depth == 0 &&
		    c->lines[end].kind == EXTRACT_TEXT; end++)
			;
		if (end == i || !extract_is_disclaimer(c, i, end))
			continue;
		for (k = i; k < end; k++)
			c->lines[k].kind = EXTRACT_SIG_LINE;
		/* The name block above, between blank lines. */
		for (j = i; j > 0 && c->lines[j - 1].depth == 0 &&
		    c->lines[j - 1].kind == EXTRACT_BLANK; j--)
			;
		if (j == i)
			continue;
		for (k = j; k > 0 && c->lines[k - 1].depth == 0 &&
		    c->lines[k - 1].kind == EXTRACT_TEXT; k--)
			;
		if (k == j || k == 0 || c->lines[k - 1].kind != EXTRACT_BLANK)
			continue;
		{
			size_t above = k - 1;

			while (above > 0 && c->lines[above].kind ==
			    EXTRACT_BLANK && c->lines[above].depth == 0)
				above--;
			if (c->lines[above].depth != 0 ||
			    c->lines[above].kind != EXTRACT_TEXT ||
			    !extract_is_name_block(c, k, j))
				continue;
		}
		for (; k < j; k++)
			c->lines[k].kind = EXTRACT_SIG_LINE;
	}
}

/* "S.", "J.K.", "J. K.": initials signing a message. */
static bool
extract_is_initials(const char *s)
{
	size_t letters = 0;

	while (*s) {
		if (!g_ascii_isupper(s[0]) || s[1] != '.')
			return false;
		s += 2;
		letters++;
		if (*s == ' ')
			s++;
	}
	return letters >= 1 && letters <= 3;
}

/*
 * The initials of name, uppercase and in the order written, into out (at
 * most size - 1 letters): "Kofi Mensah" gives "KM".  Returns their
 * number, 0 when a word starts with a letter outside ASCII.
 */
static size_t
extract_initials(const char *name, char *out, size_t size)
{
	size_t n = 0;
	bool start = true;

	for (; *name; name += g_utf8_skip[*(const guchar *)name]) {
		gunichar ch = g_utf8_get_char(name);

		if (ch == ' ' || ch == ',' || ch == '-' || ch == '.') {
			start = true;
			continue;
		}
		if (start && n + 1 < size && ch < 0x80 && g_ascii_isalpha(ch))
			out[n++] = g_ascii_toupper((char)ch);
		else if (start)
			return 0;
		start = false;
	}
	out[n] = '\0';
	return n;
}

/* Short answers that also begin names: no short form of one. */
static const char *const extract_answer_words[] = {
	"sure", "both", "good", "fine", "done", "none", "nope", "okay",
	"yeah", "same", "also", "agree", "maybe", "never", "great", "noted",
	NULL,
};

/*
 * Is s the sender's own name as a signature: their display name, one
 * word of it ("Beatriz" for "Beatriz Lima", "Maria" for "Garcia, Maria",
 * "Xiaolan" for "Zhou Xiaolan", whose given name comes last) or the start
 * of one ("Vale" for "Valentina Ruiz"), or their
 * initials ("KM", "K.M."), after an optional dash ("-Tim", "— Leo")?
 * Compared ignoring case.
 */
bool
extract_is_sender_name(const struct extract_ctx *c, const char *s)
{
	char **words;
	char *name, *line;
	char initials[8], typed[8];
	const char *comma;
	size_t n = 0;
	bool found;

	if (!c->sender)
		return false;
	while (*s == '-' || *s == '~' || *s == ' ' ||
	    g_str_has_prefix(s, "\xe2\x80\x93") ||	/* – */
	    g_str_has_prefix(s, "\xe2\x80\x94"))	/* — */
		s += *s == '-' || *s == '~' || *s == ' ' ? 1 : 3;
	if (!*s || g_utf8_strlen(s, -1) > EXTRACT_NAME_MAX)
		return false;
	name = g_utf8_casefold(c->sender, -1);
	line = g_utf8_casefold(s, -1);
	g_strstrip(g_strdelimit(name, "\"", ' '));
	comma = strchr(name, ',');
	words = g_strsplit_set(comma ? comma + 1 : name, " ", -1);
	found = strcmp(line, name) == 0;
	/*
	 * "Vale" for "Valentina", "Alex" for "Alexander": a short form, but
	 * not a word that answers ("Sure" is no "Suresh", "Both" no "Botha").
	 */
	for (; words[n] && !found; n++)
		found = g_utf8_strlen(words[n], -1) >= 2 &&
		    (strcmp(line, words[n]) == 0 ||
		    (g_utf8_strlen(line, -1) >= 4 && !strchr(line, ' ') &&
		    g_str_has_prefix(words[n], line) &&
		    !g_strv_contains(extract_answer_words, line)));
	g_strfreev(words);
	g_free(line);
	g_free(name);
	if (found)
		return true;
	/* "KM", "K.M.", "K. M.": two or three letters of the name. */
	n = extract_initials(c->sender, initials, sizeof(initials));
	if (n < 2 || n > 3 || strlen(s) > 6)
		return false;
	for (n = 0; *s; s++)
		if (g_ascii_isalpha(*s) && n + 1 < sizeof(typed))
			typed[n++] = *s;
		else if (*s != '.' && *s != ' ')
			return false;
	typed[n] = '\0';
	return strcmp(typed, initials) == 0;
}

/*
 * Is s the sender's whole display name ("Mamadou Diallo", "Diallo,
 * Mamadou" read either way), two words or more?  A name alone may be a
 * word of an answer; the whole of it signs.
 */
bool
extract_is_sender_full_name(const struct extract_ctx *c, const char *s)
{
	g_autofree char *name = NULL;
	g_autofree char *line = NULL;
	const char *comma;

	if (!c->sender || !strchr(c->sender, ' '))
		return false;
	name = extract_casefold(c->sender);
	line = extract_casefold(s);
	g_strstrip(g_strdelimit(name, "\"", ' '));
	g_strstrip(line);
	if (strcmp(line, name) == 0)
		return true;
	/* "Garcia, Maria" signs as "Maria Garcia". */
	comma = strchr(name, ',');
	if (comma) {
		g_autofree char *first = g_strdup(comma + 1);
		g_autofree char *last = g_strndup(name, (gsize)(comma - name));
		g_autofree char *whole = g_strconcat(g_strstrip(first), " ",
		    g_strstrip(last), NULL);

		return strcmp(line, whole) == 0;
	}
	return false;
}

/*
 * Does nothing of the participant's at depth follow from line k on: only
 * blank lines, then the end, another depth, an attribution, a boundary,
 * a signature, [END] or an Outlook header block?
 */
static bool
extract_nothing_of_theirs_from(const struct extract_ctx *c, size_t k,
    unsigned depth)
{
	while (k < c->n && c->lines[k].kind == EXTRACT_BLANK)
		k++;
	if (k == c->n || c->lines[k].depth != depth)
		return true;
	switch (c->lines[k].kind) {
	case EXTRACT_ATTRIBUTION:
	case EXTRACT_BOUNDARY:
	case EXTRACT_SIG_DELIM:
	case EXTRACT_SIG_LINE:
	case EXTRACT_END:
		return true;
	case EXTRACT_TEXT:
		return extract_is_header_block(c, k, false);
	case EXTRACT_BLANK:
	case EXTRACT_MARKER:
	case EXTRACT_REF:
	case EXTRACT_ARMOR:
		return false;
	}
	return false;
}

/*
 * Does the text above line i's paragraph end in a colon ("Our
 * attendees:", "联系人：")?  It introduces that paragraph: a list of
 * names, a contact with their office, not a signature.
 */
bool
extract_is_introduced(const struct extract_ctx *c, size_t i)
{
	const char *s;
	size_t n;

	while (i > 0 && c->lines[i - 1].kind == EXTRACT_BLANK)
		i--;
	if (i == 0 || c->lines[i - 1].kind != EXTRACT_TEXT ||
	    c->lines[i - 1].depth != c->lines[i].depth)
		return false;
	s = c->lines[i - 1].content;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return (n >= 1 && s[n - 1] == ':') ||
	    (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9a", 3) == 0);	/* ： */
}

/*
 * Is line i, a paragraph of its own under an answer ("5 not 4, sorry\n
 * \nBeatriz"), the sender's name signing off: nothing of the
 * participant's follows it but the quoted original, an attribution, an
 * Outlook header, a signature or the end?  A name between two answers
 * is left alone, and so is one a line ending in a colon introduces.
 */
bool
extract_is_sender_sign_off(const struct extract_ctx *c, size_t i)
{
	const struct extract_line *l = &c->lines[i];

	size_t k;

	if (l->kind != EXTRACT_TEXT || i == 0 ||
	    c->lines[i - 1].kind != EXTRACT_BLANK ||
	    extract_is_introduced(c, i) ||
	    (!extract_is_sender_name(c, l->content) &&
	    !extract_is_sender_full_name(c, l->content)))
		return false;
	if (extract_nothing_of_theirs_from(c, i + 1, l->depth))
		return true;
	/*
	 * Their whole name over a few lines of office ("Élodie
	 * Marchand-Vasseur\nMinistère de l'Économie numérique"), up to
	 * three, then nothing of theirs: no sentence among them.
	 */
	if (!extract_is_sender_full_name(c, l->content))
		return false;
	for (k = i + 1; k < c->n && k < i + 4 &&
	    c->lines[k].kind == EXTRACT_TEXT && c->lines[k].depth == l->depth;
	    k++)
		if (extract_ends_as_sentence_line(c->lines[k].content))
			return false;
	return k > i + 1 && extract_nothing_of_theirs_from(c, k, l->depth);
}

/*
 * Is line i over their [END], blank lines between?  An app signs under
 * all they typed, never above it.  Asked of a device line only, so that
 * a long run of blank lines is not walked again for each of its lines.
 */
static bool
extract_above_end(const struct extract_ctx *c, size_t i)
{
	size_t k;

	for (k = i + 1; k < c->n && c->lines[k].kind == EXTRACT_BLANK; k++)
		;
	return k < c->n && c->lines[k].kind == EXTRACT_END;
}

/*
 * A paragraph of one short line naming a device or a mail app, last of
 * the participant's text, is the app's signature in any language ("मेरे
 * Galaxy से भेजा गया", "Enviado desde mi Redmi"): no sentence of theirs
 * ends so, nor stands alone over the original.
 */
bool
extract_is_device_sign_off(const struct extract_ctx *c, size_t i)
{
	const struct extract_line *l = &c->lines[i];
	size_t n = strlen(l->content);

	return l->kind == EXTRACT_TEXT && i > 0 &&
	    c->lines[i - 1].kind == EXTRACT_BLANK && n > 0 &&
	    (i + 1 == c->n || c->lines[i + 1].kind != EXTRACT_TEXT ||
	    c->lines[i + 1].depth != l->depth) &&
	    !strchr(".!?:;,", l->content[n - 1]) &&
	    extract_word_count(l->content) <= 6 &&
	    extract_names_device(l->content) &&
	    !extract_above_end(c, i) &&
	    extract_nothing_of_theirs_from(c, i + 1, l->depth);
}

/* Is there a letter of any script in the first n bytes of s? */
static bool
extract_has_letter(const char *s, size_t n)
{
	const char *p;

	for (p = s; p < s + n; p += g_utf8_skip[*(const guchar *)p])
		if (g_unichar_isalpha(g_utf8_get_char(p)))
			return true;
	return false;
}

/*
 * A closing this file does not know, by its shape: under an answer, a
 * paragraph of its own that opens with a short line ending in a comma
 * ("धन्यवाद सहित,", "Mit kollegialen Grüßen,"), then a name, then at most
 * a few lines of title and office, and nothing more of the participant's
 * (the original, a signature or the end follows).
 */
static bool
extract_is_closing_shape(const struct extract_ctx *c, size_t i,
    const struct extract_section *sec)
{
	const struct extract_line *l = &c->lines[i];
	const char *s = l->content;
	size_t n = strlen(s), comma, k;

	if (n >= 1 && s[n - 1] == ',')
		comma = 1;
	else if (n >= 2 && memcmp(s + n - 2, "\xd8\x8c", 2) == 0)	/* ، */
		comma = 2;
	else if (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x8c", 3) == 0)	/* ， */
		comma = 3;
	else
		comma = 0;
	/* A comma alone closes nothing: words come before it. */
	if (i == 0 || c->lines[i - 1].kind != EXTRACT_BLANK ||
	    !extract_section_answered(sec) || n > EXTRACT_NAME_MAX ||
	    extract_word_count(s) > 4 || !comma ||
	    !extract_has_letter(s, n - comma))
		return false;
	if (i + 1 >= c->n || c->lines[i + 1].kind != EXTRACT_TEXT ||
	    c->lines[i + 1].depth != l->depth ||
	    !extract_looks_like_name(c->lines[i + 1].content))
		return false;
	/* The signature block: a few lines, then none of theirs. */
	for (k = i + 2; k < c->n && k < i + 8 &&
	    c->lines[k].kind == EXTRACT_TEXT && c->lines[k].depth == l->depth;
	    k++)
		;
	return extract_nothing_of_theirs_from(c, k, l->depth);
}

/*
 * Does a sign-off start at line i: a closing alone, then (after at most
 * one blank line) a short name line, or nothing more of the participant's
 * once the section has an answer?  Without [END], "4\n\nKind
 * regards,\nLina" ends the last answer at "Kind regards,".
 */
bool
extract_is_sign_off(const struct extract_ctx *c, size_t i,
    const struct extract_section *sec)
{
	const struct extract_line *l = &c->lines[i];
	size_t j = i + 1;
	const char *name;
	size_t n;

	if (l->kind != EXTRACT_TEXT)
		return false;
	if (!extract_is_closing_phrase(l->content))
		return extract_is_closing_shape(c, i, sec);
	/* "4\n\n谢谢！" and nothing more of theirs: a closing, unsigned. */
	for (n = j; n < c->n && c->lines[n].kind == EXTRACT_BLANK; n++)
		;
	/*
	 * A closing over a signature ("-- ", a name block over a
	 * disclaimer).  Not over an app's line ("Sent from my iPhone"): the
	 * app added it, and "[Q7] ...\nThanks" reads the same without it.
	 */
	if (n < c->n && c->lines[n].depth == l->depth &&
	    (c->lines[n].kind == EXTRACT_SIG_DELIM ||
	    (c->lines[n].kind == EXTRACT_SIG_LINE &&
	    extract_mobile_signature(c->lines[n].content) ==
	    EXTRACT_SIG_NONE)))
		/* "[Q7] Anything else?\n谢谢！\n-- ": thanks, their answer. */
		return extract_section_answered(sec) ||
		    !extract_is_thanks(l->content);
	if ((n == c->n || c->lines[n].depth != l->depth ||
	    (c->lines[n].kind != EXTRACT_TEXT &&
	    c->lines[n].kind != EXTRACT_MARKER)) &&
	    extract_section_answered(sec))
		return true;
	if (j < c->n && c->lines[j].kind == EXTRACT_BLANK)
		j++;
	if (j >= c->n || c->lines[j].kind != EXTRACT_TEXT ||
	    c->lines[j].depth != l->depth)
		return false;
	name = c->lines[j].content;
	/*
	 * "[Q7] Any comments?\nDěkuji.\n\nS pozdravem\nJana": the thanks
	 * is the answer, the sign-off starts at the second closing.
	 */
	if (extract_is_closing_phrase(name))
		/*
		 * "此致\n敬礼": a closing of two lines, in one paragraph, is
		 * one closing, wherever it stands.
		 */
		return j == i + 1 || extract_section_answered(sec);
	n = strlen(name);
	/*
	 * "mike" or "van Dijk" may sign in lowercase; three words or more
	 * in lowercase ("ждём итоговый отчёт") are a sentence.
	 */
	if (g_unichar_islower(g_utf8_get_char(name)) &&
	    extract_word_count(name) >= 3)
		return false;
	return extract_is_initials(name) ||
	    (g_utf8_strlen(name, -1) <= EXTRACT_NAME_MAX &&
	    !strchr(".!?:", name[n - 1]) && !extract_ends_as_sentence(name) &&
	    extract_looks_like_name(name));
}

/*
 * What a receiving gateway adds to the top of a message it lets in, and
 * what a labelling tool adds at the top or the bottom: Outlook's "You
 * don't often get email from ..." tip, an external-sender banner
 * ("CAUTION: This email originated from outside the organization ...",
 * "[ВНЕШНИЙ] Письмо получено от внешнего отправителя ..."), a
 * sensitivity label ("Classification: Public", "Uso interno").  None of
 * it is the participant's.  Casefolded.
 */
static const char *const extract_banner_tips[] = {
	"aka.ms/learnaboutsenderidentification",
	"you don't often get email from", "you don’t often get email from",
	"vous ne recevez pas souvent de courriers",
	"no suele recibir correo", "sie erhalten nicht oft e-mail",
	"вы нечасто получаете", "你通常不会收到来自", "لا تتلقى غالبًا", NULL,
};
static const char *const extract_banner_external[] = {
	"external", "externe", "externo", "extern", "outside",
	"l'extérieur", "l’extérieur", "fuera de", "внешн", "خارج", "外部",
	NULL,
};
static const char *const extract_banner_caution[] = {
	"caution", "warning", "attention", "precaución", "precaucion",
	"atención", "advertencia", "cuidado", "внимание", "осторожн",
	"предупрежд", "تنبيه", "تحذير", "注意", "警告", "小心", "link",
	"lien", "enlace", "ссылк", "رابط", "روابط", "链接", "連結",
	"attachment", "pièce", "adjunt", "вложен", "مرفق", "附件", NULL,
};
static const char *const extract_label_keys[] = {
	"classification", "sensitivity", "sensibilité", "clasificación",
	"clasificacion", "classificação", "classificazione",
	"klassifizierung", "vertraulichkeit", "diffusion restreinte",
	"классификация", "гриф", "التصنيف", "密级", "分类", "敏感度", NULL,
};
static const char *const extract_labels[] = {
	"official", "official-sensitive", "official sensitive",
	"unclassified", "internal", "internal use", "internal use only",
	"for internal use only", "public", "general", "uso interno",
	"usage interne", "interne", "для внутреннего использования",
	"для служебного пользования", "داخلي", "استخدام داخلي", "内部",
	"公开", "内部使用", NULL,
};

static bool
extract_contains_any(const char *folded, const char *const *needles)
{
	size_t i;

	for (i = 0; needles[i]; i++)
		if (strstr(folded, needles[i]))
			return true;
	return false;
}

/*
 * Is s a label that is also a word a participant types: "General",
 * "Public", "Internal" alone, not in capitals, is a heading or an answer
 * of theirs ("General\n\nThe calls worked."); the marking is "GENERAL"
 * or keyed ("Classification: General").
 */
static bool
extract_is_plain_word_label(const char *s)
{
	const char *p;
	bool lower = false;

	for (p = s + strspn(s, " \t"); *p; p++) {
		if ((unsigned char)*p >= 0x80 || ((*p == ' ' || *p == '\t') &&
		    p[strspn(p, " \t")]) || *p == '-')
			return false;
		lower |= g_ascii_islower(*p);
	}
	return lower;
}

/* Is the one line s a sensitivity label? */
static bool
extract_is_label(const char *s)
{
	g_autofree char *folded = extract_casefold(s);
	const char *colon;
	size_t i, n;

	g_strstrip(folded);
	n = strlen(folded);
	if (n == 0 || n > 80)
		return false;
	for (i = 0; extract_labels[i]; i++)
		if (strcmp(folded, extract_labels[i]) == 0)
			return !extract_is_plain_word_label(s);
	colon = strstr(folded, "\xef\xbc\x9a");		/* ： */
	if (!colon)
		colon = strchr(folded, ':');
	if (!colon || extract_word_count(colon) > 5)
		return false;
	for (i = 0; extract_label_keys[i]; i++) {
		size_t len = strlen(extract_label_keys[i]);

		if (strncmp(folded, extract_label_keys[i], len) == 0 &&
		    folded + len + strspn(folded + len, " ") == colon)
			return true;
	}
	return false;
}

/* Lines first..last - 1 of lines, joined and casefolded. */
static char *
extract_fold_span(const GPtrArray *lines, size_t first, size_t last)
{
	GString *joined = g_string_new(NULL);
	char *folded;
	size_t k;

	for (k = first; k < last; k++) {
		g_string_append(joined, lines->pdata[k]);
		g_string_append_c(joined, ' ');
	}
	folded = extract_casefold(joined->str);
	g_string_free(joined, TRUE);
	return folded;
}

/* Is the paragraph of lines first..last - 1 a gateway's or a label? */
static bool
extract_is_gateway_paragraph(const GPtrArray *lines, size_t first,
    size_t last)
{
	g_autofree char *folded = NULL;
	size_t bytes = 0, k;

	if (last == first + 1 && extract_is_label(lines->pdata[first]))
		return true;
	for (k = first; k < last; k++)
		bytes += strlen(lines->pdata[k]);
	if (last - first > 6 || bytes > 600)
		return false;
	folded = extract_fold_span(lines, first, last);
	/* "[EXTERNO] Este mensaje proviene de un remitente externo." */
	if (folded[0] == '[' && strchr(folded, ']') &&
	    extract_contains_any(folded, extract_banner_external) &&
	    (size_t)(strchr(folded, ']') - folded) < 24)
		return true;
	return extract_contains_any(folded, extract_banner_tips) ||
	    (extract_contains_any(folded, extract_banner_external) &&
	    extract_contains_any(folded, extract_banner_caution));
}

bool
extract_is_image_or_label(const char *s)
{
	/* Outlook's text for an inline image: "[cid:image001.png@01DB...]". */
	return g_str_has_prefix(s, "[cid:") || extract_is_label(s);
}

void
extract_drop_gateway_furniture(GPtrArray *lines)
{
	size_t first, last, n, round;

	/* At the top: a tip, a banner, a label, in any order. */
	for (round = 0; round < 4; round++) {
		for (first = 0; first < lines->len &&
		    extract_is_blank_or_deco(lines->pdata[first]); first++)
			;
		for (last = first; last < lines->len &&
		    !extract_is_blank_or_deco(lines->pdata[last]); last++)
			;
		if (last == first || last == lines->len ||
		    !extract_is_gateway_paragraph(lines, first, last))
			break;
		g_ptr_array_remove_range(lines, 0, (guint)last);
	}
	/* At the bottom: a label of one line. */
	for (n = lines->len; n > 0 &&
	    extract_is_blank_or_deco(lines->pdata[n - 1]); n--)
		;
	if (n >= 2 && extract_is_blank_or_deco(lines->pdata[n - 2]) &&
	    extract_is_label(lines->pdata[n - 1]))
		g_ptr_array_set_size(lines, (guint)(n - 1));
}
