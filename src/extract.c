/* SPDX-License-Identifier: MIT */
/*
 * Reply extraction (SPEC section 4): classifies each line of a reply body
 * (marker, attribution, Outlook boundary, signature, quoted or own text),
 * then collects the participant's own text per marker.  Matching a reply
 * to a participant and validating answers are left to the callers.
 */
#include "extract.h"

#include <stdint.h>
#include <string.h>

#include "token.h"

#include "banned.h"

/* Attribution lines are short; longer lines are someone's prose. */
#define EXTRACT_ATTRIBUTION_MAX 400
/* A header block's date comes within this many lines of "From:". */
#define EXTRACT_HEADER_BLOCK_SPAN 4
/* Up to four letters and four digits are read before rejecting. */
#define EXTRACT_ID_SIZE 10

enum extract_kind {
	EXTRACT_TEXT,
	EXTRACT_BLANK,
	EXTRACT_MARKER,
	EXTRACT_END,
	EXTRACT_ATTRIBUTION,
	EXTRACT_BOUNDARY,
	EXTRACT_SIG_DELIM,
	EXTRACT_SIG_LINE,
	EXTRACT_REF,
	EXTRACT_ARMOR,		/* OpenPGP clear-signing header, not text */
};

struct extract_line {
	char *whole;		/* the line as written, quote prefix and all */
	char *text;		/* after the quote prefix, as written */
	char *content;		/* text without leading and trailing blanks */
	unsigned depth;		/* quote depth */
	enum extract_kind kind;
	char id[EXTRACT_ID_SIZE];	/* EXTRACT_MARKER: uppercase id */
	const char *rest;	/* EXTRACT_MARKER: text after the marker */
	/* EXTRACT_MARKER: not as the template writes it ("Q1:", "- [Q1]") */
	bool bare;
	bool stop;		/* attribution of an unquoted original */
};

/* A marker's section being collected. */
struct extract_section {
	char id[EXTRACT_ID_SIZE];
	char *first;		/* answer text on the marker line, or NULL */
	GPtrArray *lines;	/* const char *, own lines */
	const char *option;	/* the one option line seen, if any */
	unsigned options;	/* own lines equal to an ignore line */
	guint64 option_number;	/* the last option line's number */
	bool original;		/* inside an unquoted original */
	bool quoted;		/* its marker is quoted */
};

struct extract_slot {
	char id[EXTRACT_ID_SIZE];
	char *text;		/* first non-empty answer, or NULL */
	bool original;		/* text found inside an unquoted original */
};

struct extract_ctx {
	struct extract_line *lines;
	size_t n;
	char *text;		/* every line's text, see extract_split() */
	bool own_marker;	/* a marker in the participant's own text */
	const char *const *ids;
	const char *sender;	/* From's display name, or NULL */
	GPtrArray *ignore;	/* char *, ignore lines without marker */
	GHashTable *prompts;	/* id -> GPtrArray of char * */
	/* The last unquoted attribution or boundary line, or SIZE_MAX. */
	size_t last_furniture;
	/* A marker line's rest -> the prompt learnt whole from that line. */
	GHashTable *prompt_source;
	GPtrArray *slots;	/* struct extract_slot *, first-seen order */
	GPtrArray *free_lines;	/* const char * */
	GPtrArray *pieces;	/* char *, lines split off a marker run */
	struct extract_result *res;
};

static const char *const extract_verbs[] = {
	"wrote", "écrit", "escribió", "schrieb", "escreveu", "написал",
	"написав", "كتب", "写道", "寫道", "scritto", "schreef", "skrev",
	"napisał", "kirjoitti", "escrigué", "a scris", "пишет", "пише",
	"のメール", "작성", "napsal", "yazdı", "написа", "έγραψε", "เขียน",
	"írta", "napisao", "napisala", "va escriure", "লিখেছেন", "نے لکھا",
	"menulis", "rašė", "napísal", "نوشت", "ने लिखा", "đã viết",
	"aliandika", "kirjutas", "rakstīja", "ጻፈ", NULL,
};

static const char *const extract_openers[] = {
	"On ", "Le ", "El ", "Am ", "Em ", "Op ", "Il ", "W dniu ", "Den ",
	"Dne ", "في ", "在", "于", NULL,
};

static const char *const extract_original_phrases[] = {
	"original message", "ursprüngliche nachricht", "message d'origine",
	"mensaje original", "mensagem original", "исходное сообщение",
	"forwarded message", "原始邮件", "message transféré",
	"mensaje reenviado", "weitergeleitete nachricht",
	"oorspronkelijk bericht", "messaggio originale",
	"oprindelig meddelelse", "alkuperäinen viesti", "原始郵件",
	"الرسالة الأصلية", "الرسالة المعاد توجيهها", "mail original",
	"ursprüngliche mail", "originalnachricht", "原邮件", "原郵件",
	"oryginalna wiadomość", "원본 메시지", "元のメッセージ",
	"původní zpráva", "özgün ileti", "özgün i\xcc\x87leti",
	"originalmeddelande",
	"alkuperäinen viesti", "αρχικό μήνυμα", "ההודעה המקורית",
	"tin nhắn gốc", "pesan asli", "mesaj original", "вихідне повідомлення",
	"оригінальне повідомлення", NULL,
};

static const char *const extract_from_keys[] = {
	"From", "De", "Von", "Van", "Da", "От", "Od", "Fra", "Från",
	"Lähettäjä", "发件人", "寄件者", "寄件人", "من", "差出人", "보낸 사람",
	"De la", "Από", "מאת", "Feladó", "Từ", "Dari", "จาก", "Від", "از",
	"Kimden", "발신", "보낸사람", NULL,
};

static const char *const extract_sent_keys[] = {
	"Sent", "Date", "To", "Subject", "Cc", "Envoyé", "Envoyé le", "À",
	"A", "Objet", "Sujet", "Gesendet", "An", "Betreff", "Datum",
	"Enviado el", "Enviado", "Enviados", "Para", "Asunto", "Fecha",
	"Отправлено", "Кому", "Тема", "Дата", "发送时间", "时间", "收件人",
	"主题", "日期", "Verzonden", "Aan", "Onderwerp", "Inviato", "Oggetto",
	"Wysłane", "Temat", "Sendt", "Dato", "Til", "Skickat", "Emne", "Ämne",
	"التاريخ", "تاريخ الإرسال", "إلى", "الموضوع", "أرسل", "Assunto",
	"Data", "寄件日期", "傳送時間", "送信日時", "宛先", "件名",
	"보낸 날짜", "받는 사람", "제목", "Lähetetty", "Odesláno",
	"Gönderildi", "Trimis", "Către", "Subiect", "Data", "Στάλθηκε",
	"Προς", "Θέμα", "Ημερομηνία", "נשלח", "אל", "נושא", "תאריך",
	"Elküldve", "Címzett", "Tárgy", "Dátum", "Đã gửi", "Đến", "Chủ đề",
	"Ngày", "Dikirim", "Kepada", "Perihal", "Subjek", "Tanggal", "ส่ง",
	"ถึง", "เรื่อง", "วันที่", "Wysłano", "Do", "Odesláno", "Komu",
	"Předmět", "Vastaanottaja", "Aihe", "Till", "Надіслано", "Кому",
	"Тема", "Tarih", "Kime", "Konu", "ارسال شده", "به", "موضوع", "تاریخ",
	"수신", "날짜", "받는사람", "보낸날짜", NULL,
};

/* The header block line that carries its date: "Sent:", "Date:", ... */
static const char *const extract_date_keys[] = {
	"Sent", "Date", "Envoyé", "Envoyé le", "Message du", "Gesendet",
	"Datum", "Enviado el", "Enviado", "Enviados", "Fecha", "Отправлено",
	"Дата", "发送时间", "时间", "日期", "Verzonden", "Inviato", "Data",
	"Wysłane", "Sendt", "Dato", "Skickat", "التاريخ", "تاريخ الإرسال",
	"أرسل", "寄件日期", "傳送時間", "送信日時", "보낸 날짜", "Lähetetty",
	"Odesláno", "Gönderildi", "Trimis", "Στάλθηκε", "Ημερομηνία",
	"נשלח", "תאריך", "Elküldve", "Dátum", "Đã gửi", "Ngày", "Dikirim",
	"Tanggal", "ส่ง", "วันที่", "Wysłano", "Надіслано", "Tarih",
	"ارسال شده", "تاریخ", "날짜", "보낸날짜", NULL,
};

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
	"aol", "zoho", "windows", NULL,
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
	"此致敬礼", "谢谢", "祝好", "مع التحية", "مع خالص التحية", "تحياتي",
	"شكرا", "شكراً", "مع أطيب التحيات", "un cordial saludo",
	"cordial saludo", "cordiales saludos", "un saludo cordial",
	"cordialmente", "un abrazo", "bonne journée", "bonne soirée",
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
	"met vriendelijke groet", "met vriendelijke groeten",
	"vriendelijke groet", "vriendelijke groeten", "hartelijke groet",
	"groeten", "groet", "pozdrawiam", "z poważaniem",
	"serdecznie pozdrawiam", "pozdrawiam serdecznie",
	"z wyrazami szacunku", "saygılarımla", "saygılarımızla",
	"iyi çalışmalar", "teşekkürler", "teşekkür ederim", "trân trọng",
	"thân mến", "xin cảm ơn", "감사합니다", "고맙습니다", "감사드립니다",
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

/* "Greetings from Geneva,": a closing, then where it is sent from. */
static const char *const extract_closing_from[] = {
	" from ", " desde ", " de ", " aus ", " da ", " из ", NULL,
};


/*
 * The longest line that can be a closing: twenty words of a formal
 * sentence ("Je vous prie d'agréer, Madame, Monsieur, l'expression de
 * mes salutations distinguées." is 95 bytes; Arabic ones are under 200).
 */
#define EXTRACT_CLOSING_MAX 320

/* A sign-off's name line: short, not a sentence. */
#define EXTRACT_NAME_MAX 40

static bool
extract_has_prefix_ci(const char *s, const char *prefix)
{
	return g_ascii_strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Writes one raw line cleaned to out, which has room for len bytes: NBSP
 * and U+3000 become spaces, ZWSP, word joiner, BOM and the bidi controls
 * go (Gmail wraps an Arabic attribution in them), CR becomes a space.
 * Returns where the cleaned line ends (not terminated).
 */
static char *
extract_clean_into(char *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		const unsigned char *u = (const unsigned char *)s + i;

		if (u[0] < 0xc2) {	/* ASCII, or a continuation byte */
			*out++ = u[0] == '\r' ? ' ' : (char)u[0];
		} else if (u[0] == 0xc2 && i + 1 < len && u[1] == 0xa0) {
			*out++ = ' ';
			i++;
		} else if (u[0] == 0xe3 && i + 2 < len && u[1] == 0x80 &&
		    u[2] == 0x80) {
			*out++ = ' ';
			i += 2;
		} else if (u[0] == 0xe2 && i + 2 < len && ((u[1] == 0x80 &&
		    (u[2] == 0x8b || u[2] == 0x8e || u[2] == 0x8f ||
		    (u[2] >= 0xaa && u[2] <= 0xae))) ||
		    (u[1] == 0x81 && (u[2] == 0xa0 ||
		    (u[2] >= 0xa6 && u[2] <= 0xa9))))) {
			/*
			 * ZWSP, the word joiner chat apps paste, and the
			 * bidi controls Arabic clients add.
			 */
			i += 2;
		} else if (u[0] == 0xd8 && i + 1 < len && u[1] == 0x9c) {
			i++;			/* ARABIC LETTER MARK */
		} else if (u[0] == 0xef && i + 2 < len && u[1] == 0xbb &&
		    u[2] == 0xbf) {
			i += 2;
		} else {
			*out++ = u[0] == '\r' ? ' ' : (char)u[0];
		}
	}
	return out;
}

/* Copy of one raw line, cleaned as extract_clean_into() does. */
static char *
extract_clean_line(const char *s, size_t len)
{
	char *out = g_malloc(len + 1);

	*extract_clean_into(out, s, len) = '\0';
	return out;
}

/* The length of a marker's opening bracket at p: [, ［, 【 or 〔; else 0. */
static size_t
extract_open_bracket(const char *p)
{
	if (*p == '[')
		return 1;
	if (strncmp(p, "\xef\xbc\xbb", 3) == 0 ||	/* ［ */
	    strncmp(p, "\xe3\x80\x90", 3) == 0 ||	/* 【 */
	    strncmp(p, "\xe3\x80\x94", 3) == 0)		/* 〔 */
		return 3;
	return 0;
}

/* The length of a marker's closing bracket at p: ], ］, 】 or 〕; else 0. */
static size_t
extract_close_bracket(const char *p)
{
	if (*p == ']')
		return 1;
	if (strncmp(p, "\xef\xbc\xbd", 3) == 0 ||	/* ］ */
	    strncmp(p, "\xe3\x80\x91", 3) == 0 ||	/* 】 */
	    strncmp(p, "\xe3\x80\x95", 3) == 0)		/* 〕 */
		return 3;
	return 0;
}

/*
 * After a list item's bullet or number, where a client turned the marker
 * lines into a list: "- [Q1]", "• [Q1]", "1. [Q1]", "1.\t[Q3]", "1) [Q1]".
 * Returns s itself when no marker follows such a prefix.
 */
static const char *
extract_skip_list_item(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '*')
		p++;
	else if (strncmp(p, "\xe2\x80\xa2", 3) == 0 ||	/* • */
	    strncmp(p, "\xc2\xb7", 2) == 0)		/* · */
		p += *p == '\xe2' ? 3 : 2;
	else if (g_ascii_isdigit(*p)) {
		while (g_ascii_isdigit(*p) && p - s < 3)
			p++;
		if (*p != '.' && *p != ')')
			return s;
		p++;
	} else
		return s;
	if (*p != ' ' && *p != '\t')
		return s;
	while (*p == ' ' || *p == '\t')
		p++;
	return extract_open_bracket(p) ? p : s;
}

/*
 * The ASCII letter or digit at *p, also typed full-width ("Ｑ１", as an
 * East Asian input method in full-width mode writes them): sets *c and
 * returns its length in bytes, or 0 for anything else.
 */
static size_t
extract_marker_char(const char *const *p, char *c)
{
	const unsigned char *u = (const unsigned char *)*p;

	if (g_ascii_isalnum(u[0])) {
		*c = (char)u[0];
		return 1;
	}
	if (u[0] != 0xef)
		return 0;
	if (u[1] == 0xbc && u[2] >= 0x90 && u[2] <= 0x99)
		*c = (char)('0' + (u[2] - 0x90));	/* ０-９ */
	else if (u[1] == 0xbc && u[2] >= 0xa1 && u[2] <= 0xba)
		*c = (char)('A' + (u[2] - 0xa1));	/* Ａ-Ｚ */
	else if (u[1] == 0xbd && u[2] >= 0x81 && u[2] <= 0x9a)
		*c = (char)('a' + (u[2] - 0x81));	/* ａ-ｚ */
	else
		return 0;
	return 3;
}

/*
 * A character of a bracketed id: what extract_marker_char() reads, a
 * Cyrillic or Greek letter that looks like a Latin one (a Russian or
 * Greek keyboard layout types [С1] for [C1], [Υ1] for [Y1]), or any
 * decimal digit (an Arabic or Persian one types [R١], [Y۱]).  Inside
 * brackets only: elsewhere these letters are words.
 */
static size_t
extract_id_char(const char *const *p, char *c)
{
	static const struct {
		gunichar u;
		char c;
	} look_alike[] = {
		/* Cyrillic capitals, then the small ones shaped alike. */
		{ 0x0410, 'A' }, { 0x0412, 'B' }, { 0x0421, 'C' },
		{ 0x0415, 'E' }, { 0x041d, 'H' }, { 0x0406, 'I' },
		{ 0x041a, 'K' }, { 0x041c, 'M' }, { 0x041e, 'O' },
		{ 0x0420, 'P' }, { 0x0422, 'T' }, { 0x0425, 'X' },
		{ 0x0423, 'Y' }, { 0x04ae, 'Y' },
		{ 0x0430, 'a' }, { 0x0441, 'c' }, { 0x0435, 'e' },
		{ 0x0456, 'i' }, { 0x043e, 'o' }, { 0x0440, 'p' },
		{ 0x0445, 'x' }, { 0x0443, 'y' },
		/* Greek capitals, lunate sigma, small omicron. */
		{ 0x0391, 'A' }, { 0x0392, 'B' }, { 0x03f9, 'C' },
		{ 0x0395, 'E' }, { 0x0397, 'H' }, { 0x0399, 'I' },
		{ 0x039a, 'K' }, { 0x039c, 'M' }, { 0x039f, 'O' },
		{ 0x03a1, 'P' }, { 0x03a4, 'T' }, { 0x03a7, 'X' },
		{ 0x03a5, 'Y' }, { 0x03bf, 'o' },
	};
	size_t n = extract_marker_char(p, c);
	gunichar u;
	gint digit;
	size_t i;

	if (n || !(**p & 0x80))
		return n;
	u = g_utf8_get_char(*p);
	n = (size_t)g_unichar_to_utf8(u, NULL);
	digit = g_unichar_digit_value(u);
	if (digit >= 0) {
		*c = (char)('0' + digit);
		return n;
	}
	for (i = 0; i < G_N_ELEMENTS(look_alike); i++)
		if (look_alike[i].u == u) {
			*c = look_alike[i].c;
			return n;
		}
	return 0;
}

/*
 * Parses "[ID]" (decorated, full-width, lenticular or tortoise-shell) at
 * the start of s; the id may be spaced ("[ Q1 ]", "[Q 2]") and typed
 * with look-alike letters or other scripts' digits (extract_id_char()).
 * Returns the text after it, or NULL when s does not start with a
 * marker; id_out gets the uppercase id, "END" for the end marker.
 */
static const char *
extract_parse_marker(const char *s, char id_out[EXTRACT_ID_SIZE])
{
	const char *p = s;
	char c;
	size_t letters = 0;
	size_t digits = 0;
	size_t n = 0;
	size_t len;
	int deco;

	p = extract_skip_list_item(p);
	for (deco = 0; deco < 3 && (*p == '*' || *p == '_'); deco++)
		p++;
	len = extract_open_bracket(p);
	if (!len)
		return NULL;
	p += len;
	while (*p == ' ')
		p++;
	while ((len = extract_id_char(&p, &c)) && g_ascii_isalpha(c) &&
	    letters < 4) {
		id_out[n++] = g_ascii_toupper(c);
		p += len;
		letters++;
	}
	/* "[Q 2]": one blank typed between the letters and the digits. */
	if (*p == ' ' && letters > 0) {
		const char *q = p + 1;

		if (extract_id_char(&q, &c) && g_ascii_isdigit(c))
			p = q;
	}
	while ((len = extract_id_char(&p, &c)) && g_ascii_isdigit(c) &&
	    digits < 4) {
		id_out[n++] = c;
		p += len;
		digits++;
	}
	id_out[n] = '\0';
	if (!(letters >= 1 && letters <= 3 && digits >= 1 && digits <= 3) &&
	    !(digits == 0 && strcmp(id_out, "END") == 0))
		return NULL;
	while (*p == ' ')
		p++;
	len = extract_close_bracket(p);
	if (!len)
		return NULL;
	p += len;
	while (*p == '*' || *p == '_')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * A marker retyped without brackets, "Q1: text" (or "Q1：").  Only a
 * letter and one or two digits, then the colon: "MP3:" or "Note:" stay
 * text.  With the definition's ids, "G20: the summit" does too.  Returns
 * the text after the colon, or NULL.
 */
static const char *
extract_parse_bare_id(const char *s, char id_out[EXTRACT_ID_SIZE])
{
	const char *p = s;
	size_t n = 0;

	if (!g_ascii_isalpha(*p))
		return NULL;
	id_out[n++] = g_ascii_toupper(*p++);
	while (g_ascii_isdigit(*p) && n < 3)
		id_out[n++] = *p++;
	id_out[n] = '\0';
	if (n < 2 || g_ascii_isdigit(*p))
		return NULL;
	while (*p == ' ')
		p++;
	if (*p == ':')
		p++;
	else if (strncmp(p, "\xef\xbc\x9a", 3) == 0)
		p += 3;
	else
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * How a participant retyped a marker without its square brackets (the
 * "loose" forms; see extract_find_loose_markers()).
 */
enum extract_loose {
	EXTRACT_LOOSE_ANGLE,	/* <Q1> */
	EXTRACT_LOOSE_CORNER,	/* 「Q1」 */
	EXTRACT_LOOSE_PARENS,	/* (Q1), （Q1） */
	EXTRACT_LOOSE_HASH,	/* #Q1 */
	EXTRACT_LOOSE_PAREN,	/* Q1) */
	EXTRACT_LOOSE_DOT,	/* Q1. */
	EXTRACT_LOOSE_DASH,	/* Q1 -, Q1 –, Q1 — */
	EXTRACT_LOOSE_SPACED,	/* Q 1: */
	EXTRACT_LOOSE_PROMPT,	/* Q1 What worked well? */
	EXTRACT_LOOSE_STYLES
};

/*
 * Reads a loosely typed id at p: one to three capital letters, a blank
 * between them and the digits when spaced (else none), one to three
 * digits, and no letter or digit after them.  Full-width letters and
 * digits count.  Sets *end after the id.
 */
static bool
extract_read_loose_id(const char *p, bool spaced,
    char id_out[EXTRACT_ID_SIZE], const char **end)
{
	size_t letters = 0, digits = 0, n = 0;
	char c;

	while (extract_marker_char(&p, &c) && g_ascii_isalpha(c)) {
		if (!g_ascii_isupper(c) || ++letters > 3)
			return false;
		id_out[n++] = c;
		p += extract_marker_char(&p, &c);
	}
	if (spaced) {
		if (*p != ' ')
			return false;
		p++;
	}
	while (extract_marker_char(&p, &c) && g_ascii_isdigit(c)) {
		if (++digits > 3)
			return false;
		id_out[n++] = c;
		p += extract_marker_char(&p, &c);
	}
	id_out[n] = '\0';
	if (letters == 0 || digits == 0 || extract_marker_char(&p, &c))
		return false;
	*end = p;
	return true;
}

/* After a dash typed as "-", or the en or em dash Word makes of it. */
static const char *
extract_skip_dash(const char *p)
{
	if (*p == '-')
		return p + 1;
	if (strncmp(p, "\xe2\x80\x93", 3) == 0 ||	/* – */
	    strncmp(p, "\xe2\x80\x94", 3) == 0)	/* — */
		return p + 3;
	return NULL;
}

static bool
extract_is_blank_or_end(char c)
{
	return c == '\0' || c == ' ' || c == '\t';
}

static const char *
extract_skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Parses a loose marker at the start of s (a line's content): an id in
 * "<>", "「」" or "()", after "#", before ")" or "." or " -", spaced
 * before ":" ("Q 1:"), or followed by a blank and more text (the prompt,
 * checked by the caller).  Returns the text after it, or NULL; sets
 * id_out (uppercase) and *style_out.
 */
static const char *
extract_parse_loose(const char *s, char id_out[EXTRACT_ID_SIZE],
    enum extract_loose *style_out)
{
	static const struct {
		const char *open, *close;
		enum extract_loose style;
	} enclosed[] = {
		{ "<", ">", EXTRACT_LOOSE_ANGLE },
		{ "\xe3\x80\x8c", "\xe3\x80\x8d", EXTRACT_LOOSE_CORNER },
		{ "(", ")", EXTRACT_LOOSE_PARENS },
		{ "\xef\xbc\x88", "\xef\xbc\x89", EXTRACT_LOOSE_PARENS },
	};
	const char *p, *id_end, *q;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(enclosed); i++) {
		if (!g_str_has_prefix(s, enclosed[i].open))
			continue;
		p = s + strlen(enclosed[i].open);
		if (!extract_read_loose_id(p, false, id_out, &p) ||
		    !g_str_has_prefix(p, enclosed[i].close))
			return NULL;
		*style_out = enclosed[i].style;
		return extract_skip_blanks(p + strlen(enclosed[i].close));
	}
	if (*s == '#') {
		if (!extract_read_loose_id(s + 1, false, id_out, &p) ||
		    !extract_is_blank_or_end(*p))
			return NULL;
		*style_out = EXTRACT_LOOSE_HASH;
		return extract_skip_blanks(p);
	}
	if (extract_read_loose_id(s, true, id_out, &p)) {
		p = extract_skip_blanks(p);
		if (*p == ':')
			p++;
		else if (g_str_has_prefix(p, "\xef\xbc\x9a"))	/* ： */
			p += 3;
		else
			return NULL;
		*style_out = EXTRACT_LOOSE_SPACED;
		return extract_skip_blanks(p);
	}
	if (!extract_read_loose_id(s, false, id_out, &id_end))
		return NULL;
	if ((*id_end == ')' || *id_end == '.') &&
	    extract_is_blank_or_end(id_end[1])) {
		*style_out = *id_end == ')' ? EXTRACT_LOOSE_PAREN :
		    EXTRACT_LOOSE_DOT;
		return extract_skip_blanks(id_end + 1);
	}
	p = extract_skip_blanks(id_end);
	q = extract_skip_dash(p);
	if (q && extract_is_blank_or_end(*q)) {
		*style_out = EXTRACT_LOOSE_DASH;
		return extract_skip_blanks(q);
	}
	if (p == id_end || !*p)
		return NULL;
	*style_out = EXTRACT_LOOSE_PROMPT;
	return p;
}

static bool
extract_ends_with_colon(const char *s)
{
	size_t n = strlen(s);

	/* ":", "：" and Amharic's "፦" (Gmail's "... እንዲህ ጻፈ፦") */
	return (n >= 1 && s[n - 1] == ':') ||
	    (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9a", 3) == 0) ||
	    (n >= 3 && memcmp(s + n - 3, "\xe1\x8d\xa6", 3) == 0);
}

static bool
extract_has_verb(const char *s)
{
	char *folded = g_utf8_casefold(s, -1);
	bool found = false;
	size_t i;

	for (i = 0; extract_verbs[i] && !found; i++)
		found = strstr(folded, extract_verbs[i]) != NULL;
	g_free(folded);
	return found;
}

static bool
extract_has_opener(const char *s)
{
	size_t i;

	for (i = 0; extract_openers[i]; i++)
		if (g_str_has_prefix(s, extract_openers[i]))
			return true;
	return false;
}

/* Does s start with key followed by optional blanks and a colon? */
static bool
extract_starts_key(const char *s, const char *key)
{
	size_t n = strlen(key);

	while (*s == '*')
		s++;
	if (g_ascii_strncasecmp(s, key, n) != 0)
		return false;
	s += n;
	while (*s == '*')
		s++;
	while (*s == ' ')
		s++;
	if (*s == '*')
		s++;
	return *s == ':' || strncmp(s, "\xef\xbc\x9a", 3) == 0;
}

static bool
extract_starts_any_key(const char *s, const char *const *keys)
{
	size_t i;

	/* Most lines have no colon: no key can start them. */
	if (!strchr(s, ':') && !strstr(s, "\xef\xbc\x9a"))
		return false;
	for (i = 0; keys[i]; i++)
		if (extract_starts_key(s, keys[i]))
			return true;
	return false;
}

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

static size_t
extract_word_count(const char *s)
{
	size_t words = 0;
	bool in_word = false;

	for (; *s; s++) {
		if (*s == ' ')
			in_word = false;
		else if (!in_word) {
			in_word = true;
			words++;
		}
	}
	return words;
}

/*
 * Is s, what follows a separator's phrase, the end of a rule: dashes,
 * blanks, a colon and at most one word ("----- Original message follows
 * -----")?
 */
static bool
extract_is_rule_tail(const char *s)
{
	char *words = g_strdelimit(g_strdup(s), "-=*:", ' ');
	bool rule = extract_word_count(words) <= 1;

	g_free(words);
	return rule;
}

/*
 * "-----Original Message-----", "____", "Begin forwarded message:".  The
 * phrase or the "wrote" verb ends the line but for dashes and a colon:
 * "--- as one member wrote, too many calls" and "--- forwarded message
 * from a colleague: please include youth ---" are text.  A short rule of
 * underscores only counts above a "From:" line (next, or NULL).
 */
static bool
extract_is_separator(const char *s, const char *next)
{
	size_t n = strlen(s);
	size_t i;

	if (n >= 10 && strspn(s, "_") == n)
		return n >= 20 || (next &&
		    extract_starts_any_key(next, extract_from_keys));
	if (extract_has_prefix_ci(s, "Begin forwarded message") ||
	    extract_has_prefix_ci(s, "Début du message réexpédié"))
		return true;
	if (g_str_has_prefix(s, "---") || g_str_has_prefix(s, "- -")) {
		char *folded = g_utf8_casefold(s, -1);
		bool found = false;
		char *word = g_strdup(folded);

		/* Foxmail: "------------------ Original ------------------" */
		g_strstrip(g_strdelimit(word, "-", ' '));
		found = strcmp(word, "original") == 0 &&
		    g_str_has_prefix(s, "------");
		g_free(word);
		for (i = 0; extract_original_phrases[i] && !found; i++) {
			const char *at = strstr(folded,
			    extract_original_phrases[i]);

			found = at && extract_is_rule_tail(at +
			    strlen(extract_original_phrases[i]));
		}
		for (i = 0; extract_verbs[i] && !found &&
		    g_str_has_prefix(s, "---"); i++) {
			const char *at = strstr(folded, extract_verbs[i]);

			found = at && extract_is_rule_tail(at +
			    strlen(extract_verbs[i]));
		}
		g_free(folded);
		return found;
	}
	return false;
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

/* Ends with a full stop, "!" or "?" of CJK or Arabic text. */
static bool
extract_ends_as_sentence(const char *s)
{
	static const char *const ends[] = {
		"\xe3\x80\x82", "\xef\xbc\x81", "\xef\xbc\x9f",	/* 。！？ */
		"\xef\xbc\x9a", "\xd8\x9f", "\xdb\x94", NULL,	/* ：؟ ۔ */
	};
	size_t i;

	for (i = 0; ends[i]; i++)
		if (g_str_has_suffix(s, ends[i]))
			return true;
	return false;
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
		const char *at = strstr(low, extract_mobile_sig_words[i]);

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

/* What extract_mobile_signature() finds. */
enum extract_sig {
	EXTRACT_SIG_NONE,
	EXTRACT_SIG_DEVICE,	/* names a device or an app: a signature */
	EXTRACT_SIG_ALONE,	/* a signature only as a paragraph's start */
};

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
static enum extract_sig
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

/* Is s a closing alone ("Kind regards,", "С уважением,", "此致")? */
static bool
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
	if (strlen(s) > EXTRACT_CLOSING_MAX ||
	    (!extract_starts_like_any(s, extract_closings) &&
	    !extract_starts_like_any(s, extract_closing_openers)))
		return false;
	folded = g_utf8_casefold(s, -1);
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
	"aviso de confidencialidad", "uso exclusivo del destinatario",
	"adjuntos son confidenciales", "esclusivamente alle persone indicate",
	"esclusivamente al destinatario",
	"ricevuto questo messaggio per errore", "recebeu por engano",
	"recebeu esta mensagem por engano", "anexos são confidenciais",
	"uso exclusivo do destinatário",
	"получили это сообщение по ошибке", "получили это письмо по ошибке",
	"не являетесь адресатом", "не являетесь предполагаемым получателем",
	"содержит конфиденциальную информацию", "保密信息", "错误地收到",
	"仅限于发送给", "机密信息", "機密情報", "誤って受信", "기밀 정보",
	"잘못 수신", "معلومات سرية", "تلقيت هذه الرسالة عن طريق الخطأ",
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

/* "Ref: TOKEN", the token line closing our messages (SPEC 5). */
static bool
extract_is_ref(const char *s)
{
	g_autofree char *token = NULL;
	const char *p;

	if (!extract_has_prefix_ci(s, "Ref:"))
		return false;
	p = s + 4;
	while (*p == ' ')
		p++;
	/* One of our tokens: "Ref: IGF2019BPFCybersecurity" is an answer. */
	token = g_ascii_strdown(p, -1);
	return token_valid(token);
}

static bool
extract_id_known(const struct extract_ctx *c, const char *id)
{
	size_t i;

	if (!c->ids || strcmp(id, "END") == 0)
		return true;
	for (i = 0; c->ids[i]; i++)
		if (g_ascii_strcasecmp(c->ids[i], id) == 0)
			return true;
	return false;
}

static void
extract_warn(struct extract_ctx *c, const char *text)
{
	size_t i;

	for (i = 0; i < c->res->warnings->len; i++)
		if (strcmp(c->res->warnings->pdata[i], text) == 0)
			return;
	g_ptr_array_add(c->res->warnings, g_strdup(text));
}

/* Is l ">100 downloads": a '>' right before a digit, one level deep? */
static bool
extract_is_figure_line(const struct extract_line *l)
{
	return l->depth == 1 && g_ascii_isdigit(l->text[0]) &&
	    l->text[-1] == '>' && l->content == l->text;
}

/*
 * ">100 downloads" alone among unquoted lines is a figure, not a quote:
 * a quote prefix is followed by a space or comes in a run of lines.  A
 * run of figures right under an own line (a marker line or the text
 * introducing them) and followed by more own text (">50 contributors\n
 * >1000 downloads" under [Q6]; format=flowed's space-stuffed " >30
 * countries") is the answer too.  A quote under an attribution line is
 * followed by nothing of the participant's.
 */
static void
extract_unquote_figures(struct extract_ctx *c)
{
	size_t i, k, end, after;

	for (i = 0; i < c->n; i++) {
		if (!extract_is_figure_line(&c->lines[i]) ||
		    (i > 0 && c->lines[i - 1].depth != 0))
			continue;
		for (end = i + 1; end < c->n &&
		    extract_is_figure_line(&c->lines[end]); end++)
			;
		if (end < c->n && c->lines[end].depth != 0)
			continue;
		for (after = end; after < c->n && c->lines[after].depth == 0 &&
		    !*c->lines[after].content; after++)
			;
		if (end > i + 1 && (i == 0 || !*c->lines[i - 1].content ||
		    after == c->n || c->lines[after].depth != 0))
			continue;
		for (k = i; k < end; k++) {
			c->lines[k].depth = 0;
			c->lines[k].text--;
			c->lines[k].content--;
		}
		i = end - 1;
	}
}

/*
 * GroupWise's header of the original below it, unquoted: ">>> NAME
 * <addr> 12/2/2026 9:14 AM >>>" (a date: two groups of digits).
 */
static bool
extract_is_groupwise_header(const char *line)
{
	size_t n, digits = 0;
	const char *p;
	bool in_digits = false;

	if (strncmp(line, ">>> ", 4) != 0)
		return false;
	n = strlen(line);
	if (n < 12 ||
	    strcmp(line + n - 4, " >>>") != 0)
		return false;
	for (p = line + 4; p < line + n - 4; p++) {
		if (g_ascii_isdigit(*p) && !in_digits)
			digits++;
		in_digits = g_ascii_isdigit(*p);
	}
	return digits >= 2;
}

/*
 * Splits text into lines and sets their depth, text and content.  All
 * lines are cleaned into one buffer, c->text, a line's NUL where its LF
 * was (cleaning never lengthens a line); content is a suffix of text.
 */
static void
extract_split(struct extract_ctx *c, const char *text)
{
	const char *p = text;
	GArray *arr = g_array_new(FALSE, TRUE, sizeof(struct extract_line));
	char *w;

	c->text = w = g_malloc(strlen(text) + 1);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct extract_line l = { 0 };
		char *line = w;
		char *q = line;
		char *end;

		end = extract_clean_into(line, p, len);
		while (end > line && g_ascii_isspace(end[-1]))
			end--;
		*end = '\0';
		w = end + 1;
		l.whole = line;
		l.text = line;
		for (;;) {
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q != '>')
				break;
			l.depth++;
			q++;
			l.text = *q == ' ' ? q + 1 : q;
		}
		while (g_ascii_isspace(*q))
			q++;
		l.content = q;
		/* Gmail wraps "<addr\n>:" of an attribution: not a quote. */
		if (l.depth == 1 && strcmp(q, ":") == 0)
			l.depth = 0;
		/* GroupWise: ">>> Name <addr> 12/2/2026 9:14 AM >>>". */
		if (extract_is_groupwise_header(line)) {
			l.depth = 0;
			l.text = l.content = line;
		}
		g_array_append_val(arr, l);
		p = nl ? nl + 1 : p + len;
	}
	c->n = arr->len;
	c->lines = (struct extract_line *)(void *)g_array_free(arr, FALSE);
	extract_unquote_figures(c);
}

#define EXTRACT_PGP_BEGIN "-----BEGIN PGP SIGNED MESSAGE-----"

/*
 * Inline PGP clear-signing (RFC 4880 7.1): the signed text follows the
 * "-----BEGIN PGP SIGNED MESSAGE-----" line and its armor headers
 * ("Hash: SHA256") up to "-----BEGIN PGP SIGNATURE-----", with "- "
 * put before each line that starts with a dash.  Takes the escape off
 * ("- -- " is the signature's "-- ", "- - item" a list's "- item"), before
 * the lines are classified.
 */
static void
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
static void
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

static void
extract_classify_simple(struct extract_ctx *c, struct extract_line *l)
{
	enum extract_sig sig;
	const char *rest;

	if (!*l->content) {
		l->kind = EXTRACT_BLANK;
		return;
	}
	rest = extract_parse_marker(l->content, l->id);
	if (rest) {
		if (extract_id_known(c, l->id)) {
			l->kind = strcmp(l->id, "END") == 0 ? EXTRACT_END :
			    EXTRACT_MARKER;
			l->rest = rest;
			/* "- [B1] relevance" may cite, not mark. */
			l->bare = extract_skip_list_item(l->content) !=
			    l->content;
			return;
		} else {
			char *w = g_strdup_printf("unknown marker [%s] kept "
			    "as text", l->id);

			extract_warn(c, w);
			g_free(w);
		}
	}
	/* Retyped by hand, in the participant's own text only. */
	rest = l->depth == 0 ? extract_parse_bare_id(l->content, l->id) : NULL;
	if (rest && extract_id_known(c, l->id)) {
		l->kind = EXTRACT_MARKER;
		l->rest = rest;
		l->bare = true;
		return;
	}
	if (extract_is_separator(l->content, (size_t)(l - c->lines) + 1 <
	    c->n ? l[1].content : NULL) ||
	    extract_is_groupwise_header(l->content))
		l->kind = EXTRACT_BOUNDARY;
	else if (strcmp(l->content, "--") == 0 ||
	    strcmp(l->content, "-----BEGIN PGP SIGNATURE-----") == 0)
		l->kind = EXTRACT_SIG_DELIM;
	else if ((sig = extract_mobile_signature(l->content)) ==
	    EXTRACT_SIG_DEVICE || (sig == EXTRACT_SIG_ALONE &&
	    (l == c->lines || l[-1].kind == EXTRACT_BLANK ||
	    l[-1].depth != l->depth)))
		l->kind = EXTRACT_SIG_LINE;
	else if (extract_is_ref(l->content))
		l->kind = EXTRACT_REF;
	else
		l->kind = EXTRACT_TEXT;
}

/*
 * Is s a header line's full date: three groups of digits or more, a day,
 * a year and a time ("Wednesday, December 2, 2026 9:14 AM", "02.12.2026
 * 09:14")?  "Date: June 2017" or "Fecha: 2016-2017" is an answer.
 */
static bool
extract_has_full_date(const char *s)
{
	size_t groups = 0;
	bool in_digits = false;

	for (; *s; s += g_utf8_skip[*(const guchar *)s]) {
		bool digit = g_unichar_isdigit(g_utf8_get_char(s));

		if (digit && !in_digits)
			groups++;
		in_digits = digit;
	}
	return groups >= 3;
}

/*
 * An Outlook header block: "From:" then header lines ("To:", "Sent:",
 * ...) below.  With header values, an address or a full date under a
 * date key, it always is one.  Without them (a date key with another
 * value, or two more keys) only where it starts a paragraph or stands
 * outside an answer: "[Q4] ...\nFrom: the Gender BPF\nDate: June 2017"
 * is the answer, continued says so (the line above is the answer's).
 */
static bool
extract_is_header_block(const struct extract_ctx *c, size_t i,
    bool continued)
{
	const char *from = c->lines[i].content;
	bool address = strchr(from, '@') != NULL;
	size_t j;
	size_t seen = 0;
	size_t keys = 0;

	/* Some clients put the date first ("Date:", "Message du :"). */
	if (i + 1 < c->n && c->lines[i + 1].depth == c->lines[i].depth &&
	    extract_starts_any_key(from, extract_date_keys) &&
	    extract_starts_any_key(c->lines[i + 1].content,
	    extract_from_keys))
		return !continued || address || extract_has_full_date(from) ||
		    strchr(c->lines[i + 1].content, '@');
	if (!extract_starts_any_key(from, extract_from_keys))
		return false;
	for (j = i + 1; j < c->n && seen < EXTRACT_HEADER_BLOCK_SPAN; j++) {
		const char *s = c->lines[j].content;
		bool date;

		if (c->lines[j].depth != c->lines[i].depth)
			return false;
		if (c->lines[j].kind == EXTRACT_BLANK)
			continue;
		seen++;
		if (!extract_starts_any_key(s, extract_sent_keys))
			continue;
		date = extract_starts_any_key(s, extract_date_keys);
		if (address || strchr(s, '@') ||
		    (date && extract_has_full_date(s)))
			return true;
		if (!continued && (++keys >= 2 || date))
			return true;
	}
	return false;
}

/* Do lines first..last (same depth, plain text) name a "wrote" verb? */
static bool
extract_span_has_verb(const struct extract_ctx *c, size_t first, size_t last)
{
	GString *joined = g_string_new(NULL);
	bool found;
	size_t k;

	for (k = first; k <= last; k++) {
		g_string_append(joined, c->lines[k].content);
		g_string_append_c(joined, ' ');
	}
	found = joined->len <= EXTRACT_ATTRIBUTION_MAX &&
	    extract_has_verb(joined->str);
	g_string_free(joined, TRUE);
	return found;
}

/*
 * Do lines first..last hold a date (two groups of digits: a day and a
 * year, or a time) or an address?  "On the 2016 call, Anja wrote:" is
 * the participant's sentence.
 */
static bool
extract_span_dated(const struct extract_ctx *c, size_t first, size_t last)
{
	size_t k, groups = 0;

	for (k = first; k <= last; k++) {
		const char *p = c->lines[k].content;

		if (strchr(p, '@'))
			return true;
		for (; *p; p++)
			if (g_ascii_isdigit(*p) && (p == c->lines[k].content ||
			    !g_ascii_isdigit(p[-1])))
				groups++;
	}
	return groups >= 2;
}

/* "Name <a@b>": an attribution without opener names an address. */
static bool
extract_has_address(const char *s)
{
	const char *lt = strchr(s, '<');

	return lt && strchr(lt, '@') && strchr(lt, '>');
}

/*
 * Gmail in some languages (Russian among them) writes no verb: "ср, 30
 * апр. 2025 г. в 15:19, John Doe <doe@example.com>:".
 */
static bool
extract_is_dated_address(const char *s)
{
	size_t n = strlen(s);
	size_t i;

	if (n < 3 || strcmp(s + n - 2, ">:") != 0 || !extract_has_address(s))
		return false;
	for (i = 0; i < n; i++)
		if (g_ascii_isdigit(s[i]))
			return true;
	return false;
}

/* Is line i the wrapped rest of the plain line above it? */
static bool
extract_continues_above(const struct extract_ctx *c, size_t i)
{
	const struct extract_line *up = &c->lines[i - 1];
	const char *cur = c->lines[i].content;
	size_t n = strlen(up->content);
	char last;

	if (up->kind != EXTRACT_TEXT || up->depth != c->lines[i].depth ||
	    n == 0)
		return false;
	last = up->content[n - 1];
	if (last == '<' || last == '"' || last == ',' || *cur == '<' ||
	    g_unichar_islower(g_utf8_get_char(cur)))
		return true;
	/*
	 * Gmail wraps "ср, 2 дек. 2026 г. в 09:14, NAME\n2014-2019 <a@b>:":
	 * a dated line opening its paragraph, the address below it.
	 */
	return (i < 2 || c->lines[i - 2].kind == EXTRACT_BLANK) &&
	    strpbrk(up->content, "0123456789") && extract_has_address(cur);
}

/*
 * Marks attribution lines: a line ending in a colon, with a "wrote" verb
 * on it or on the one or two lines above (Gmail wraps long ones), that
 * either starts like one ("On", "Le", "Am", ...) or is followed by quoted
 * text.  When unquoted text follows, the original is not quoted (Outlook
 * style) and the attribution is marked stop.
 */
static void
extract_mark_attributions(struct extract_ctx *c)
{
	size_t next_depth = 0;
	size_t i;
	size_t *below = g_new0(size_t, c->n + 1);

	/* below[i]: quote depth of the next non-blank line after i. */
	for (i = c->n; i-- > 0;) {
		below[i] = next_depth;
		if (c->lines[i].kind != EXTRACT_BLANK)
			next_depth = c->lines[i].depth;
	}
	for (i = 0; i < c->n; i++) {
		struct extract_line *l = &c->lines[i];
		size_t first = i;
		size_t verb = SIZE_MAX;
		size_t k;

		if (l->kind != EXTRACT_TEXT || !extract_ends_with_colon(
		    l->content))
			continue;
		for (k = 0; k <= 2 && k <= i; k++) {
			const struct extract_line *up = &c->lines[i - k];

			if (up->kind != EXTRACT_TEXT || up->depth != l->depth)
				break;
			if (verb == SIZE_MAX &&
			    (extract_span_has_verb(c, i - k, i) ||
			    extract_is_dated_address(up->content)))
				verb = i - k;
			if (verb != SIZE_MAX && extract_has_opener(
			    up->content)) {
				first = i - k;
				break;
			}
		}
		if (verb == SIZE_MAX)
			continue;
		/*
		 * Clients date what they quote: "On the last call, people
		 * wrote:" is the participant's own sentence.
		 */
		if (extract_has_opener(c->lines[first].content) &&
		    !extract_span_dated(c, first, i))
			continue;
		if (!extract_has_opener(c->lines[first].content)) {
			if (below[i] <= l->depth &&
			    !extract_has_address(c->lines[verb].content))
				continue;
			first = verb;
			/* A wrapped name or address continues from above. */
			for (k = 0; k < 2 && first > 0 &&
			    extract_continues_above(c, first); k++)
				first--;
		}
		for (k = first; k <= i; k++)
			c->lines[k].kind = EXTRACT_ATTRIBUTION;
		l->stop = below[i] <= l->depth;
	}
	g_free(below);
}

/*
 * A character as a template comparison sees it: lowercase, every hyphen
 * and dash Word or a phone keyboard types ("(1‑5)" with U+2011) a
 * hyphen-minus, full-width ':' and '?' and curly apostrophes plain.
 */
static gunichar
extract_fold_char(gunichar c)
{
	if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xfe58 ||
	    c == 0xfe63 || c == 0xff0d)
		return '-';
	if (c == 0xff1a)
		return ':';
	if (c == 0xff1f)
		return '?';
	if (c == 0x2018 || c == 0x2019)
		return '\'';
	return g_unichar_tolower(c);
}

/*
 * Is what is left of a template line only the end of a prompt: its "?"
 * or ":" and a scale such as "(1-5)" or "(yes/no)"?  A participant who
 * retypes "What worked well" or "Clarity of the objectives" has written
 * the prompt.
 */
static bool
extract_is_prompt_tail(const char *t)
{
	const char *close;

	while (*t == ' ' || *t == '\t' || *t == '*' || *t == '_' ||
	    *t == '?' || *t == ':')
		t++;
	if (*t == '(' && (close = strchr(t, ')')) != NULL &&
	    close - t <= 12) {
		t = close + 1;
		while (*t == ' ' || *t == '\t' || *t == '*' || *t == '_' ||
		    *t == '?' || *t == ':')
			t++;
	}
	return !*t;
}

/*
 * Compares s with a template line, ignoring case, blanks, '*'/'_'
 * decoration and the kind of dash (extract_fold_char()).  Returns the
 * position in s after the template text, or NULL when s does not start
 * with it.  s of 12 bytes or more may stop short of the prompt's "?",
 * ":" or scale.
 */
static const char *
extract_loose_prefix(const char *s, const char *tmpl)
{
	const char *p = s;
	const char *t = tmpl;

	for (;;) {
		while (*t == ' ' || *t == '\t' || *t == '*' || *t == '_')
			t++;
		if (!*t)
			return p;
		while (*p == ' ' || *p == '\t' || *p == '*' || *p == '_')
			p++;
		/* Short texts ("b", "Yes") are answers, whatever the prompt. */
		if (!*p)
			return p - s >= 12 && extract_is_prompt_tail(t) ? p :
			    NULL;
		/* Most template text is ASCII: no need to decode it. */
		if (!(*p & 0x80) && !(*t & 0x80)) {
			if (g_ascii_tolower(*p) != g_ascii_tolower(*t))
				return NULL;
			p++;
			t++;
			continue;
		}
		if (extract_fold_char(g_utf8_get_char(p)) !=
		    extract_fold_char(g_utf8_get_char(t)))
			return NULL;
		p += g_utf8_skip[*(const guchar *)p];
		t += g_utf8_skip[*(const guchar *)t];
	}
}

static bool
extract_is_blank_or_deco(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '*' && *s != '_')
			return false;
	return true;
}

static bool
extract_loose_equal(const char *a, const char *b)
{
	const char *rest = extract_loose_prefix(a, b);

	return rest && extract_is_blank_or_deco(rest);
}

/*
 * Remainder after a prompt: leading ":", "：", the Ethiopic "፡" and "፦",
 * "-" and blanks dropped, and the dashes Word's autocorrect makes of "-";
 * an arrow ("-->", "->", "=>", "→"); an "=" too when a blank follows
 * ("[Q1] = text"), not "=SUM(A1:A3)".
 */
static char *
extract_after_prompt(const char *after)
{
	static const char *const arrows[] = {
		"-->", "->", "=>", "\xe2\x86\x92", NULL,
	};
	size_t i;

	for (;;) {
		for (i = 0; arrows[i]; i++)
			if (g_str_has_prefix(after, arrows[i]))
				break;
		if (arrows[i])
			after += strlen(arrows[i]);
		else if (*after == ' ' || *after == ':' || *after == '-' ||
		    *after == '*' || *after == '_' || *after == '\t' ||
		    (*after == '=' && (after[1] == ' ' || after[1] == '\t' ||
		    !after[1])))
			after++;
		else if (strncmp(after, "\xef\xbc\x9a", 3) == 0 ||	/* ： */
		    strncmp(after, "\xe1\x8d\xa1", 3) == 0 ||	/* ፡ */
		    strncmp(after, "\xe1\x8d\xa6", 3) == 0 ||	/* ፦ */
		    strncmp(after, "\xe2\x80\x93", 3) == 0 ||	/* – */
		    strncmp(after, "\xe2\x80\x94", 3) == 0)		/* — */
			after += 3;
		else
			break;
	}
	return *after ? g_strstrip(g_strdup(after)) : NULL;
}

/* The end of the last "(1-5)"-style scale in s, or NULL. */
static const char *
extract_after_scale(const char *s)
{
	const char *found = NULL;
	const char *p;

	for (p = strchr(s, '('); p; p = strchr(p + 1, '(')) {
		const char *q = p + 1;

		if (!g_ascii_isdigit(*q))
			continue;
		while (g_ascii_isdigit(*q))
			q++;
		while (*q == ' ')
			q++;
		if (*q == '-')
			q++;
		else if (strncmp(q, "\xe2\x80\x93", 3) == 0)
			q += 3;
		else
			continue;
		while (*q == ' ')
			q++;
		if (!g_ascii_isdigit(*q))
			continue;
		while (g_ascii_isdigit(*q))
			q++;
		if (*q == ')')
			found = q + 1;
	}
	return found;
}

/* The end of a "(yes/no)" the invitation puts after a yes/no prompt. */
static const char *
extract_after_yesno(const char *s)
{
	const char *found = NULL;
	const char *p;

	for (p = strchr(s, '('); p; p = strchr(p + 1, '('))
		if (g_ascii_strncasecmp(p, "(yes/no)", 8) == 0)
			found = p + 8;
	return found;
}

/*
 * Does s[0..n) speak in the first person singular (I, je, yo, я, 我 ...)?
 * Not plural: the template asks "May we contact you?", "tell us".
 */
static bool
extract_has_first_person(const char *s, size_t n)
{
	static const char *const words[] = {
		"i", "i'm", "i've", "i'd", "my", "me", "je", "j'ai", "mon", "ma",
		"mes", "yo", "mi", "я", "мне", "мой", "моя", "أنا", NULL,
	};
	g_autofree char *low = g_utf8_strdown(s, (gssize)n);
	char **parts = NULL;
	bool found = false;
	const char *wo;
	size_t i;

	for (wo = strstr(low, "我"); wo; wo = strstr(wo + 3, "我"))
		if (!g_str_has_prefix(wo + 3, "们"))
			return true;
	parts = g_strsplit_set(low, " ,;:!?¡¿\"()", -1);
	for (i = 0; parts[i] && !found; i++)
		found = g_strv_contains(words, parts[i]);
	g_strfreev(parts);
	return found;
}

/*
 * Without a known prompt: where the prompt a participant kept on the
 * marker line ends when they answered after it on the same line ("[Q1]
 * What worked well? The webinars.").  That is a question of three words
 * or more (four characters of CJK, written without spaces) ended by "?",
 * "？" or "؟",
 * with more text after it; "[Q7] Why? Because ..." is all answer.
 * Returns the position after the question mark, or NULL.
 */
static const char *
extract_prompt_end(const char *rest)
{
	size_t words = 1, chars = 0;
	const char *p;

	for (p = rest; *p; p += g_utf8_skip[*(const guchar *)p]) {
		size_t mark = 0;

		if (*p == '?' && (p[1] == ' ' || p[1] == '*'))
			mark = 1;
		else if (strncmp(p, "\xef\xbc\x9f", 3) == 0)	/* ？ */
			mark = 3;
		else if (strncmp(p, "\xd8\x9f", 2) == 0 &&	/* ؟ */
		    p[2] == ' ')
			mark = 2;
		if (mark) {
			const char *after = p + mark;

			if (words < 3 && (words > 1 || chars < 4 ||
			    !g_unichar_iswide(g_utf8_get_char(rest))))
				return NULL;
			/* "Would I do it again?", "¿Lo haría?": their own. */
			if (g_str_has_prefix(rest, "\xc2\xbf") ||
			    extract_has_first_person(rest, (size_t)(p - rest)))
				return NULL;
			while (*after == ' ' || *after == '*' || *after == '_')
				after++;
			return *after ? after : NULL;
		}
		if (*p == '?')
			return NULL;
		if (*p == ' ' && p[1] != ' ')
			words++;
		chars++;
	}
	return NULL;
}

/* A prompt ends as a question, or with a colon (section prompts). */
static bool
extract_ends_as_question(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '*' || s[n - 1] == '_' || s[n - 1] == ' '))
		n--;
	return (n >= 1 && (s[n - 1] == '?' || s[n - 1] == ':')) ||
	    (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9a", 3) == 0) ||
	    (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9f", 3) == 0) ||
	    (n >= 2 && memcmp(s + n - 2, "\xd8\x9f", 2) == 0);
}

/*
 * Without the definition (consultd parse), a choice's options as the
 * invitation lists them: "  1. Option" (two spaces, as the marker block
 * renders them) under a C-question's marker, before any answer text.
 * A participant's own numbered list is seldom indented just so.  Inside
 * an unquoted original (loose) the lines are the invitation's, but HTML
 * converted to text has lost the indentation: any "1. Option" will do.
 */
static bool
extract_looks_like_option_line(const char *text, bool loose)
{
	const char *p = text;

	if (loose) {
		while (*p == ' ')
			p++;
	} else if (p[0] == ' ' && p[1] == ' ') {
		p += 2;
	} else {
		return false;
	}
	if (!g_ascii_isdigit(*p))
		return false;
	while (g_ascii_isdigit(*p))
		p++;
	return p[0] == '.' && p[1] == ' ' && p[2] && p[2] != ' ';
}

/*
 * An option line the participant marked as chosen: "2. Contributor <--",
 * "X 1. Coordinator", "[x] 3. MAG member", "✓ 4. Secretariat".  content
 * has no trailing blanks; leading ones are skipped.
 */
static bool
extract_has_choice_mark(const char *content)
{
	static const char *const ends[] = {
		"<--", "<-", "<==", "<=", "<<", "\xe2\x86\x90", "\xe2\x9c\x93",
		"\xe2\x9c\x94", "\xe2\x9c\x85", "(x)", "[x]", "(X)", "[X]", " x",
		" X", NULL,		/* ← ✓ ✔ ✅ */
	};
	static const char *const starts[] = {
		"x ", "X ", "[x]", "[X]", "(x)", "(X)", "\xe2\x9c\x93",
		"\xe2\x9c\x94", "\xe2\x9c\x85", "->", "-->", "=>",
		"\xe2\x86\x92", NULL,	/* → */
	};
	size_t i;

	while (*content == ' ' || *content == '\t')
		content++;
	for (i = 0; ends[i]; i++)
		if (g_str_has_suffix(content, ends[i]))
			return true;
	for (i = 0; starts[i]; i++)
		if (g_str_has_prefix(content, starts[i]))
			return true;
	return false;
}

static bool
extract_looks_like_option(const struct extract_section *sec,
    const char *text, bool loose)
{
	size_t i;

	if (sec->id[0] != 'C' || sec->first ||
	    !extract_looks_like_option_line(text, loose))
		return false;
	for (i = 0; i < sec->lines->len; i++)
		if (!extract_is_blank_or_deco(sec->lines->pdata[i]))
			return false;
	return true;
}

/*
 * Counts option line l in sec when it goes on down the list: the first
 * one, or numbered after the last (a marked option between may be
 * missing).  "2. Contributor" typed under the unchanged list ("... 5.
 * Other") is the answer, not a sixth option.
 */
static bool
extract_take_option(struct extract_section *sec, const char *l)
{
	guint64 number = g_ascii_strtoull(l + strspn(l, " "), NULL, 10);

	if (sec->options > 0 && number <= sec->option_number)
		return false;
	sec->options++;
	sec->option = l;
	sec->option_number = number;
	return true;
}

/* Is s a known template line (prompt of id or an ignore line)? */
static bool
extract_is_template(const struct extract_ctx *c, const char *id,
    const char *s, bool *option_out)
{
	GPtrArray *prompts = g_hash_table_lookup(c->prompts, id);
	size_t i;

	*option_out = false;
	for (i = 0; prompts && i < prompts->len; i++)
		if (extract_loose_equal(s, prompts->pdata[i]))
			return true;
	for (i = 0; i < c->ignore->len; i++)
		if (extract_loose_equal(s, c->ignore->pdata[i])) {
			*option_out = true;
			return true;
		}
	return false;
}

/*
 * The answer written on a depth-0 marker line after the marker, or NULL
 * when the rest of the line is only the prompt.
 */
static char *
extract_marker_answer(const struct extract_ctx *c, const char *id,
    const char *rest)
{
	GPtrArray *prompts = g_hash_table_lookup(c->prompts, id);
	bool known = (prompts && prompts->len > 0) || c->ignore->len > 0;
	const char *after, *longest, *self;
	size_t i;

	if (!*rest)
		return NULL;
	/* The definition's prompts first, then the longest one learnt. */
	for (i = 0; i < c->ignore->len; i++) {
		after = extract_loose_prefix(rest, c->ignore->pdata[i]);
		if (after && *(const char *)c->ignore->pdata[i])
			return extract_after_prompt(after);
	}
	/*
	 * Not the prompt learnt from this very line: typed into an Outlook
	 * original, "[Q1] What worked well? The webinars." is its own
	 * prompt whole.
	 */
	self = g_hash_table_lookup(c->prompt_source,
	    (gconstpointer)(uintptr_t)rest);
	longest = NULL;
	for (i = 0; prompts && i < prompts->len; i++) {
		if (prompts->pdata[i] == self)
			continue;
		after = extract_loose_prefix(rest, prompts->pdata[i]);
		if (after && *(const char *)prompts->pdata[i] &&
		    (!longest || after > longest))
			longest = after;
	}
	if (longest)
		return extract_after_prompt(longest);
	/*
	 * A table pasted as text ("[Q1]<TAB>What worked well?<TAB>The
	 * calls"): a first cell that ends as a prompt is the prompt.
	 */
	after = strchr(rest, '\t');
	if (after) {
		g_autofree char *cell = g_strndup(rest, (gsize)(after - rest));
		const char *scale_end;

		g_strchomp(cell);
		scale_end = extract_after_scale(cell);
		while (*after == '\t' || *after == ' ')
			after++;
		if (*after && (extract_ends_as_question(cell) ||
		    (scale_end && !*scale_end)))
			return extract_after_prompt(after);
	}
	after = extract_after_scale(rest);
	if (!after)
		after = extract_after_yesno(rest);
	if (after)
		return extract_after_prompt(after);
	/* A question of their own when the template's prompt is known. */
	if (!known && extract_ends_as_question(rest))
		return NULL;
	/* Nothing known to compare with: a long question is the prompt. */
	after = known ? NULL : extract_prompt_end(rest);
	return extract_after_prompt(after ? after : rest);
}

/*
 * Are s's lines, two or more of them, all indented alike with spaces
 * (blank lines aside)?
 */
static bool
extract_is_indented_block(const char *s)
{
	size_t indent = strspn(s, " ");
	size_t lines = 0;
	const char *p;

	if (indent == 0 || !s[indent])
		return false;
	for (p = s; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!*p || *p == '\n')
			continue;
		if (strspn(p, " ") != indent || p[indent] == ' ')
			return false;
		lines++;
	}
	return lines >= 2;
}

/* Lines joined with LF, runs of blank lines cut to one, trimmed. */
static char *
extract_join(const char *first, GPtrArray *lines)
{
	GString *out = g_string_new(NULL);
	bool blank = false;
	size_t i;

	if (first)
		g_string_append(out, first);
	for (i = 0; i < lines->len; i++) {
		const char *l = lines->pdata[i];

		if (!*l) {
			blank = out->len > 0;
			continue;
		}
		if (out->len > 0)
			g_string_append(out, blank ? "\n\n" : "\n");
		g_string_append(out, l);
		blank = false;
	}
	g_strchomp(out->str);
	/*
	 * An indented block ("  1. Number of contributors\n  2. Downloads")
	 * keeps its first line's indentation, as its other lines do.
	 */
	if (!extract_is_indented_block(out->str))
		g_strchug(out->str);
	if (!*out->str) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

static struct extract_slot *
extract_slot(struct extract_ctx *c, const char *id)
{
	struct extract_slot *s;
	size_t i;

	for (i = 0; i < c->slots->len; i++) {
		s = c->slots->pdata[i];
		if (strcmp(s->id, id) == 0)
			return s;
	}
	s = g_new0(struct extract_slot, 1);
	g_strlcpy(s->id, id, sizeof(s->id));
	g_ptr_array_add(c->slots, s);
	return s;
}

/*
 * Is option line l ("  2. Contributor") one of the template's: the same
 * option text stands on another line of the message too (the quoted or
 * unquoted original), or the definition lists it.  A participant's own
 * numbered reasons stand once.
 */
static bool
extract_is_template_option(const struct extract_ctx *c, const char *l)
{
	const char *text = l;
	size_t i, seen = 0;

	while (*text == ' ' || g_ascii_isdigit(*text))
		text++;
	if (*text == '.')
		text++;
	while (*text == ' ')
		text++;
	for (i = 0; i < c->ignore->len; i++)
		if (strcmp(c->ignore->pdata[i], text) == 0 ||
		    g_str_has_suffix(c->ignore->pdata[i], text))
			return true;
	for (i = 0; i < c->n && seen < 2; i++) {
		const char *o = c->lines[i].content;

		if (!g_ascii_isdigit(*o))
			continue;
		while (g_ascii_isdigit(*o))
			o++;
		if (*o == '.')
			o++;
		while (*o == ' ')
			o++;
		if (strcmp(o, text) == 0)
			seen++;
	}
	return seen >= 2;
}

/*
 * Are lines [from, to) an unchanged option list: two or more unmarked
 * "N. Option" lines (any indentation: HTML loses it) numbered one after
 * the other?
 */
static bool
extract_is_option_run(const struct extract_ctx *c,
    const struct extract_section *sec, size_t from, size_t to)
{
	guint64 number = 0;
	size_t i;

	if (to < from + 2)
		return false;
	for (i = from; i < to; i++) {
		const char *l = sec->lines->pdata[i];
		guint64 k;

		/* In an original or a quote, the lines are the template's. */
		if (!extract_looks_like_option_line(l, true) ||
		    extract_has_choice_mark(l) || (!sec->original &&
		    !sec->quoted && !extract_is_template_option(c, l)))
			return false;
		while (*l == ' ')
			l++;
		k = g_ascii_strtoull(l, NULL, 10);
		if (i > from && k != number + 1)
			return false;
		number = k;
	}
	return true;
}

/*
 * A choice answered beside its option list, left as the invitation shows
 * it ("3" above or below "1. Coordinator" ... "5. Other"; or "X 1.
 * Coordinator" and the rest unmarked): the list is not the answer.
 */
static void
extract_drop_option_list(const struct extract_ctx *c,
    struct extract_section *sec)
{
	size_t n = sec->lines->len;
	size_t start, end;

	if (sec->id[0] != 'C')
		return;
	while (n > 0 && extract_is_blank_or_deco(sec->lines->pdata[n - 1]))
		n--;
	/* The list below the answer. */
	start = n;
	while (start > 0 && !extract_is_blank_or_deco(
	    sec->lines->pdata[start - 1]) && extract_looks_like_option_line(
	    sec->lines->pdata[start - 1], true) &&
	    !extract_has_choice_mark(sec->lines->pdata[start - 1]))
		start--;
	/* "2. Contributor" typed right above the list is not part of it. */
	while (start + 2 < n && !extract_is_option_run(c, sec, start, n))
		start++;
	if ((sec->first || start > 0) &&
	    extract_is_option_run(c, sec, start, n)) {
		g_ptr_array_set_size(sec->lines, (guint)start);
		n = start;
	}
	/* The list above it. */
	for (start = 0; start < n && extract_is_blank_or_deco(
	    sec->lines->pdata[start]); start++)
		;
	for (end = start; end < n && extract_looks_like_option_line(
	    sec->lines->pdata[end], true) &&
	    !extract_has_choice_mark(sec->lines->pdata[end]); end++)
		;
	/* Nor "2. Contributor" typed right under it. */
	while (end > start + 2 && !extract_is_option_run(c, sec, start, end))
		end--;
	if (end < n && extract_is_option_run(c, sec, start, end))
		g_ptr_array_remove_range(sec->lines, 0, (guint)end);
	/*
	 * The whole list and nothing else, its indentation lost (HTML, an
	 * editor): unanswered.  From "1." and three options at least: two
	 * left of the list are a choice of theirs.
	 */
	else if (end == n && end >= start + 3 &&
	    g_ascii_strtoull((const char *)sec->lines->pdata[start] +
	    strspn(sec->lines->pdata[start], " "), NULL, 10) == 1 &&
	    extract_is_option_run(c, sec, start, end))
		g_ptr_array_set_size(sec->lines, 0);
}

static void
extract_close_section(struct extract_ctx *c, struct extract_section *sec)
{
	struct extract_slot *slot;
	char *text;

	if (!sec->lines)
		return;
	extract_drop_option_list(c, sec);
	text = extract_join(sec->first, sec->lines);
	if (!text && sec->options == 1)
		text = g_strdup(sec->option);
	slot = extract_slot(c, sec->id);
	if (text && !slot->text) {
		slot->text = text;
		slot->original = sec->original;
		text = NULL;
	} else if (text && !extract_loose_equal(text, slot->text)) {
		char *w = g_strdup_printf("two different answers to [%s]; "
		    "kept the first", sec->id);

		extract_warn(c, w);
		g_free(w);
	}
	g_free(text);
	g_clear_pointer(&sec->first, g_free);
	g_clear_pointer(&sec->lines, g_ptr_array_unref);
	sec->option = NULL;
	sec->options = 0;
	sec->option_number = 0;
	sec->original = false;
}

/* Does s start with a list bullet and a blank ("- ", "* ")? */
static bool
extract_is_bullet(const char *s)
{
	return (s[0] == '-' || s[0] == '*') && s[1] == ' ' && s[2] &&
	    s[2] != ' ';
}

/* A marker line at the depth being read may carry the answer after it. */
static void
extract_open_section(struct extract_ctx *c, struct extract_section *sec,
    const struct extract_line *l, unsigned level, bool in_original)
{
	g_strlcpy(sec->id, l->id, sizeof(sec->id));
	sec->original = in_original;
	sec->quoted = l->depth > 0;
	sec->lines = g_ptr_array_new();
	sec->first = l->depth == level ?
	    extract_marker_answer(c, l->id, l->rest) : NULL;
	/*
	 * "[Q5] - Relevanz\n- Machbarkeit": the dash opened a list, the
	 * next line's bullet says so, and it stays.
	 */
	if (sec->first && extract_is_bullet(l->rest) &&
	    (size_t)(l - c->lines) + 1 < c->n && l[1].depth == l->depth &&
	    strncmp(l[1].content, l->rest, 2) == 0) {
		g_free(sec->first);
		sec->first = g_strdup(l->rest);
	}
	(void)extract_slot(c, l->id);
}

/*
 * Our receipts and reminders list what is recorded as "Q1  Prompt" (an
 * id, two spaces) with the answer under it indented by four spaces.  Is
 * text such an id line?  Copies the id to id_out unless it is NULL.
 */
static bool
extract_listing_id(const char *text, char *id_out)
{
	const char *p = text;
	size_t letters = 0, digits = 0;

	while (g_ascii_isupper(*p) && letters < 4) {
		p++;
		letters++;
	}
	while (g_ascii_isdigit(*p) && digits < 4) {
		p++;
		digits++;
	}
	if (letters < 1 || letters > 3 || digits < 1 || digits > 3 ||
	    p[0] != ' ' || p[1] != ' ' || !p[2])
		return false;
	if (id_out)
		g_strlcpy(id_out, text, (gsize)(p - text) + 1);
	return true;
}

/*
 * Answers inside an unquoted original (Outlook) that equal what the same
 * original lists as recorded are the pre-filled answers of our reminder,
 * not the participant's: they go.  Answers the participant typed there
 * stay.
 */
static void
extract_drop_listed(struct extract_ctx *c)
{
	GHashTable *listed = NULL;
	size_t i, j;

	for (i = 0; i < c->slots->len; i++)
		if (((struct extract_slot *)c->slots->pdata[i])->original)
			break;
	if (i == c->slots->len)
		return;
	listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	for (i = 0; i < c->n; i++) {
		char id[EXTRACT_ID_SIZE];
		GPtrArray *lines;

		if (!extract_listing_id(c->lines[i].text, id) ||
		    g_hash_table_contains(listed, id))
			continue;
		lines = g_ptr_array_new();
		for (j = i + 1; j < c->n && c->lines[j].depth ==
		    c->lines[i].depth && g_str_has_prefix(c->lines[j].text,
		    "    "); j++)
			g_ptr_array_add(lines, c->lines[j].text + 4);
		g_hash_table_insert(listed, g_strdup(id),
		    extract_join(NULL, lines));
		g_ptr_array_unref(lines);
	}
	for (i = 0; i < c->slots->len; i++) {
		struct extract_slot *s = c->slots->pdata[i];
		const char *was = g_hash_table_lookup(listed, s->id);

		if (s->original && s->text && was && strcmp(s->text, was) == 0)
			g_clear_pointer(&s->text, g_free);
	}
	g_hash_table_unref(listed);
}

/*
 * Without the definition, the ids a message shows in brackets at the
 * start of a line are the template's: "G20: the summit" or "- [B1]
 * relevance" under [Q6] is then the answer's text, not a marker.  A
 * message without such markers keeps its bare or listed ones ("Q1: ..."
 * typed from memory, markers a client turned into a list).  Under a
 * bracketed marker of their own, unquoted, a participant's retyped "Q1:"
 * lines are text as well when they continue its paragraph or repeat an
 * id it answered ("[Q3] Differently?\nQ1: outline\nQ2: draft"); a "Q2 :"
 * paragraph after "[Q1] ..." and a blank line answers Q2.  Above their
 * first bracketed marker (an Outlook original below "Q1:" answers) they
 * are markers.
 */
static void
extract_check_bare_ids(struct extract_ctx *c)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *own = g_hash_table_new(g_str_hash, g_str_equal);
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->lines[i].kind == EXTRACT_MARKER && !c->lines[i].bare)
			g_hash_table_add(seen, c->lines[i].id);
	for (i = 0; i < c->n && g_hash_table_size(seen) > 0; i++) {
		struct extract_line *l = &c->lines[i];
		/* Inside an answer: right under its text, or an id answered. */
		bool inside = g_hash_table_size(own) > 0 && l->depth == 0 &&
		    extract_skip_list_item(l->content) == l->content &&
		    ((i > 0 && c->lines[i - 1].depth == 0 &&
		    c->lines[i - 1].kind != EXTRACT_BLANK) ||
		    g_hash_table_contains(own, l->id));

		if (l->kind == EXTRACT_MARKER && !l->bare && l->depth == 0)
			g_hash_table_add(own, l->id);
		if (l->kind == EXTRACT_MARKER && l->bare &&
		    (!g_hash_table_contains(seen, l->id) || inside)) {
			l->kind = EXTRACT_TEXT;
			l->bare = false;
			l->rest = NULL;
		}
	}
	g_hash_table_unref(own);
	g_hash_table_unref(seen);
}

/*
 * Does a marker line's rest read as a prompt: "?" or ":" at its end, a
 * scale, or a short title ("Executive summary") with no full stop?
 */
static bool
extract_is_prompt_like(const char *rest)
{
	size_t n = strlen(rest);

	if (extract_ends_as_question(rest) || extract_after_scale(rest) ||
	    extract_after_yesno(rest))
		return true;
	return n > 0 && !strchr(".!;,", rest[n - 1]) &&
	    !extract_ends_as_sentence(rest) && extract_word_count(rest) <= 8;
}

/*
 * Prompts as the template shows them: the text after each marker in the
 * quoted original or after an Outlook boundary.
 */
static void
extract_collect_prompts(struct extract_ctx *c, size_t own_end)
{
	bool original = false;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];
		const char *end;
		GPtrArray *arr;
		char *full;

		/*
		 * Below a boundary; or below an Outlook header block ("From:
		 * ... Sent: ..." with no rule above it) a line that reads as
		 * a prompt: one that does not is an answer typed into the
		 * original.
		 */
		if (l->kind == EXTRACT_BOUNDARY && l->depth == 0)
			original = true;
		if (l->kind != EXTRACT_MARKER || !*l->rest ||
		    (l->depth == 0 && !original && (i < own_end ||
		    !extract_is_prompt_like(l->rest))))
			continue;
		arr = g_hash_table_lookup(c->prompts, l->id);
		if (!arr) {
			arr = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(c->prompts, g_strdup(l->id), arr);
		}
		/*
		 * Typed after a scale in the quote: not the prompt.  After
		 * a question either may be: both are kept, and the longest
		 * that matches wins.
		 */
		end = extract_after_scale(l->rest);
		if (!end)
			end = extract_after_yesno(l->rest);
		if (end) {
			g_ptr_array_add(arr, g_strndup(l->rest,
			    (gsize)(end - l->rest)));
			continue;
		}
		full = g_strdup(l->rest);
		g_ptr_array_add(arr, full);
		end = extract_prompt_end(l->rest);
		if (!end)
			continue;
		g_ptr_array_add(arr, g_strndup(l->rest, (gsize)(end - l->rest)));
		/* Read at this line, the question alone is its prompt. */
		g_hash_table_insert(c->prompt_source,
		    (gpointer)(uintptr_t)l->rest, full);
	}
}

/*
 * Does rest, after a loose "Q1 " id, read as that question's prompt: a
 * known prompt of id begins it, or it ends as a question ("?", not ":")
 * or with a "(1-5)" or "(yes/no)" scale?  "Q1 revenue grew" does not.
 */
static bool
extract_reads_as_prompt(const struct extract_ctx *c, const char *id,
    const char *rest)
{
	GPtrArray *prompts = g_hash_table_lookup(c->prompts, id);
	const char *after;
	size_t i;

	for (i = 0; prompts && i < prompts->len; i++)
		if (*(const char *)prompts->pdata[i] &&
		    extract_loose_prefix(rest, prompts->pdata[i]))
			return true;
	for (i = 0; i < c->ignore->len; i++)
		if (extract_loose_prefix(rest, c->ignore->pdata[i]))
			return true;
	if (extract_ends_as_question(rest) && !extract_ends_with_colon(rest))
		return true;
	after = extract_after_scale(rest);
	if (!after)
		after = extract_after_yesno(rest);
	return after && extract_is_blank_or_deco(after);
}

/*
 * Furniture typed or pasted inside an answer: an attribution or header
 * block at line i under a marker of the participant's own, with another
 * of their markers below it and the message's real attribution or
 * boundary further down ("[Q2]\nOn 14
 * March 2019 the lead expert wrote:\n\"...\"\n\n[R2]\n2\n...\nOn Wed,
 * Dec 2, 2026 ... wrote:\n> ...").  The original is below the last one.
 */
static bool
extract_is_pasted(const struct extract_ctx *c, size_t i)
{
	size_t m;

	if (c->last_furniture == SIZE_MAX || i >= c->last_furniture)
		return false;
	/* Inside an answer: an own marker above, with no furniture between. */
	for (m = i; m > 0; m--) {
		const struct extract_line *l = &c->lines[m - 1];

		if (l->depth != 0)
			continue;
		if (l->kind == EXTRACT_MARKER)
			break;
		if (l->kind == EXTRACT_BOUNDARY ||
		    (l->kind == EXTRACT_ATTRIBUTION && l->stop))
			return false;
	}
	if (m == 0)
		return false;
	for (m = i + 1; m < c->last_furniture; m++)
		if (c->lines[m].depth == 0 &&
		    c->lines[m].kind == EXTRACT_MARKER)
			return true;
	return false;
}

/* Sets c->last_furniture (see struct extract_ctx). */
static void
extract_find_last_furniture(struct extract_ctx *c)
{
	size_t i;

	c->last_furniture = SIZE_MAX;
	for (i = 0; i < c->n; i++)
		if (c->lines[i].depth == 0 &&
		    (c->lines[i].kind == EXTRACT_ATTRIBUTION ||
		    c->lines[i].kind == EXTRACT_BOUNDARY))
			c->last_furniture = i;
}

/* Attributions typed inside an answer are its text (extract_is_pasted). */
static void
extract_unmark_pasted(struct extract_ctx *c)
{
	size_t i, k;

	extract_find_last_furniture(c);
	for (i = 0; i < c->n; i++) {
		if (c->lines[i].depth != 0 || !c->lines[i].stop ||
		    !extract_is_pasted(c, i))
			continue;
		for (k = i + 1; k > 0 && c->lines[k - 1].depth == 0 &&
		    c->lines[k - 1].kind == EXTRACT_ATTRIBUTION; k--) {
			c->lines[k - 1].kind = EXTRACT_TEXT;
			c->lines[k - 1].stop = false;
		}
	}
}

/*
 * A quote the participant put inside an answer ("The 2018 output says:\n
 * \n> Participation by governments remained limited ...\n\nI agree"):
 * a quoted run without markers, between text of the same answer (under
 * an own marker, nothing but own text and blank lines between them), is
 * part of the answer, its "> " kept.  Quoted originals and inline
 * replies are not: they hold markers, follow an attribution or are not
 * followed by more of the answer.
 */
static void
extract_keep_own_quotes(struct extract_ctx *c, size_t own_end)
{
	size_t i, end, k;

	for (i = 1; i < own_end; i = end) {
		bool marker = false;

		if (c->lines[i].depth == 0) {
			end = i + 1;
			continue;
		}
		for (end = i; end < own_end && c->lines[end].depth > 0; end++)
			marker = marker || c->lines[end].kind ==
			    EXTRACT_MARKER || c->lines[end].kind == EXTRACT_END;
		if (marker || end == own_end)
			continue;
		/* Own text of the answer below ... */
		for (k = end; k < own_end && c->lines[k].depth == 0 &&
		    c->lines[k].kind == EXTRACT_BLANK; k++)
			;
		if (k == own_end || c->lines[k].depth != 0 ||
		    c->lines[k].kind != EXTRACT_TEXT)
			continue;
		/* ... and above, up to the answer's own marker. */
		for (k = i; k > 0 && c->lines[k - 1].depth == 0 &&
		    c->lines[k - 1].kind == EXTRACT_BLANK; k--)
			;
		if (k == 0 || c->lines[k - 1].kind != EXTRACT_TEXT)
			continue;
		while (k > 0 && c->lines[k - 1].depth == 0 &&
		    (c->lines[k - 1].kind == EXTRACT_TEXT ||
		    c->lines[k - 1].kind == EXTRACT_BLANK))
			k--;
		if (k == 0 || c->lines[k - 1].depth != 0 ||
		    c->lines[k - 1].kind != EXTRACT_MARKER)
			continue;
		for (k = i; k < end; k++) {
			struct extract_line *l = &c->lines[k];

			l->depth = 0;
			l->text = l->whole;
			l->content = l->whole + strspn(l->whole, " \t");
			l->kind = EXTRACT_TEXT;
		}
	}
}

/*
 * Where the participant's own text ends: the first unquoted Outlook
 * boundary, header block or attribution of an unquoted original.
 */
static size_t
extract_own_end(const struct extract_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];

		/* As the walk reads it: under a line of text, a block needs
		 * header values. */
		bool continued = i > 0 && c->lines[i - 1].depth == 0 &&
		    c->lines[i - 1].kind != EXTRACT_BLANK;

		if (l->depth == 0 && (l->kind == EXTRACT_BOUNDARY ||
		    (l->kind == EXTRACT_ATTRIBUTION && l->stop) ||
		    (extract_is_header_block(c, i, continued) &&
		    !extract_is_pasted(c, i))))
			break;
	}
	return i;
}

/*
 * The template's order of ids: the definition's, else the order of the
 * bracketed markers outside the own text (lines from own_end on, or
 * quoted).  id -> position + 1.
 */
static GHashTable *
extract_template_order(const struct extract_ctx *c, size_t own_end)
{
	GHashTable *order = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	size_t i;

	if (c->ids) {
		for (i = 0; c->ids[i]; i++)
			if (!g_hash_table_contains(order, c->ids[i]))
				g_hash_table_insert(order, g_strdup(c->ids[i]),
				    GSIZE_TO_POINTER(i + 1));
		return order;
	}
	for (i = 0; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];

		if (l->kind == EXTRACT_MARKER && !l->bare &&
		    (l->depth > 0 || i >= own_end) &&
		    !g_hash_table_contains(order, l->id))
			g_hash_table_insert(order, g_strdup(l->id),
			    GSIZE_TO_POINTER(g_hash_table_size(order) + 1));
	}
	return order;
}

/* id's place in order (case-insensitive for the definition's), or 0. */
static size_t
extract_order_of(const struct extract_ctx *c, GHashTable *order,
    const char *id)
{
	size_t i;

	if (!c->ids)
		return GPOINTER_TO_SIZE(g_hash_table_lookup(order, id));
	for (i = 0; c->ids[i]; i++)
		if (g_ascii_strcasecmp(c->ids[i], id) == 0)
			return GPOINTER_TO_SIZE(g_hash_table_lookup(order,
			    c->ids[i]));
	return 0;
}

/* The letters of id ("BPF" of "BPF18"), copied to out. */
static void
extract_id_letters(const char *id, char out[EXTRACT_ID_SIZE])
{
	size_t n = 0;

	while (g_ascii_isalpha(id[n]) && n + 1 < EXTRACT_ID_SIZE) {
		out[n] = id[n];
		n++;
	}
	out[n] = '\0';
}

/*
 * Without the definition, a message that shows the template (bracketed
 * markers in the quote or an unquoted original) tells which ids are
 * questions: a bracketed id of the own text with letters no template id
 * has ("[BPF18] Report ...", a citation key in an answer) is text, as an
 * id the definition lacks is.  One with the template's letters ("[Q9]"
 * where the quote was trimmed to [Q1]..[Q4]) stays a marker.
 */
static void
extract_check_unknown_ids(struct extract_ctx *c, size_t own_end,
    GHashTable *order)
{
	GHashTable *letters = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GHashTableIter it;
	gpointer key;
	size_t i;

	g_hash_table_iter_init(&it, order);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		char l[EXTRACT_ID_SIZE];

		extract_id_letters(key, l);
		g_hash_table_add(letters, g_strdup(l));
	}
	for (i = 0; i < own_end && g_hash_table_size(letters) > 0; i++) {
		struct extract_line *l = &c->lines[i];
		char id_letters[EXTRACT_ID_SIZE];
		char *w;

		if (l->kind != EXTRACT_MARKER || l->bare || l->depth != 0)
			continue;
		extract_id_letters(l->id, id_letters);
		if (g_hash_table_contains(letters, id_letters))
			continue;
		l->kind = EXTRACT_TEXT;
		l->rest = NULL;
		w = g_strdup_printf("unknown marker [%s] kept as text", l->id);
		extract_warn(c, w);
		g_free(w);
	}
	g_hash_table_unref(letters);
}

/* Up to this many markers are looked for on one line. */
#define EXTRACT_LINE_MARKERS 16

/* A bracketed marker found on a line (extract_line_markers()). */
struct extract_inline_marker {
	const char *start;	/* its bold decoration or bracket */
	char id[EXTRACT_ID_SIZE];
};

/*
 * Does text, what stands between two markers on one line, end as an
 * answer does before the next marker: nothing, a separator or sentence
 * end (". , ; ! ? )") or a digit ("4 [R2]")?  "See [R2] above" and "Same
 * as [Q2] below" do not: they refer to the question.
 */
static bool
extract_ends_before_marker(const char *text, size_t len)
{
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	return len == 0 || strchr(".,;!?)", text[len - 1]) ||
	    g_ascii_isdigit(text[len - 1]);
}

/*
 * The bracketed markers on line content, in order: one at its start
 * (after a list bullet or bold) and any after a blank.  Returns how many
 * were stored in found (at most EXTRACT_LINE_MARKERS).
 */
static size_t
extract_line_markers(const char *content,
    struct extract_inline_marker found[EXTRACT_LINE_MARKERS])
{
	const char *p = extract_parse_marker(content, found[0].id);
	size_t n = 0;

	if (p)
		found[n++].start = content;
	else
		p = content;
	for (; *p && n < EXTRACT_LINE_MARKERS; p++) {
		const char *start = p;

		if (!extract_open_bracket(p))
			continue;
		while (start > content && (start[-1] == '*' ||
		    start[-1] == '_'))
			start--;
		if ((start > content && start[-1] != ' ' &&
		    start[-1] != '\t') || !extract_parse_marker(p,
		    found[n].id))
			continue;
		found[n++].start = start;
	}
	return n;
}

/*
 * Are the markers of a line the participant's way to answer several
 * questions on it: two or more, ids of the template (of ids, else of the
 * bracketed markers the message shows) in increasing template order,
 * after a lead-in that is nothing or ends in ":" (".", "!", "?", ";")
 * and each after what reads as an answer (extract_ends_before_marker())?
 */
static bool
extract_is_marker_run(const struct extract_ctx *c, GHashTable *order,
    const char *content, const struct extract_inline_marker *m, size_t n)
{
	char id[EXTRACT_ID_SIZE];
	size_t i, at, last = 0;
	const char *prev;
	size_t lead;

	if (n < 2)
		return false;
	lead = (size_t)(m[0].start - content);
	while (lead > 0 && (content[lead - 1] == ' ' ||
	    content[lead - 1] == '\t'))
		lead--;
	if (lead > 0 && !strchr(":.!?;", content[lead - 1]) &&
	    !(lead >= 3 && memcmp(content + lead - 3, "\xef\xbc\x9a",
	    3) == 0))
		return false;
	for (i = 0; i < n; i++) {
		at = extract_order_of(c, order, m[i].id);
		if (at == 0 || at <= last)
			return false;
		last = at;
		if (i == 0)
			continue;
		prev = extract_parse_marker(m[i - 1].start, id);
		if (!prev || prev > m[i].start || !extract_ends_before_marker(
		    prev, (size_t)(m[i].start - prev)))
			return false;
	}
	return true;
}

/*
 * One piece of a split line, from start to end, newly allocated in
 * c->pieces: blanks and a "," or ";" before the next marker dropped, and
 * a full stop after a number alone ("[R1] 5.").
 */
static char *
extract_piece(struct extract_ctx *c, const char *start, const char *end)
{
	char id[EXTRACT_ID_SIZE];
	char *piece = g_strndup(start, (gsize)(end - start));
	size_t n = strlen(piece);
	const char *rest;

	while (n > 0 && strchr(" \t,;", piece[n - 1]))
		piece[--n] = '\0';
	rest = extract_parse_marker(piece, id);
	if (rest && n > 0 && piece[n - 1] == '.' && rest < piece + n - 1 &&
	    strspn(rest, "0123456789") == (size_t)(piece + n - 1 - rest))
		piece[--n] = '\0';
	g_ptr_array_add(c->pieces, piece);
	return piece;
}

/*
 * Several markers on one line of the own text ("[R1] 4 [R2] 3 [R3] 4",
 * "My ratings: [R1] 5, [R2] 4", "[Q1] The list. [Q2] The timelines.")
 * answer one question each: such a line becomes one line per marker
 * (and its lead-in), classified afresh.  Only where the template is
 * known (extract_is_marker_run()).  Returns how many lines were added
 * above own_end.
 */
static size_t
extract_split_marker_runs(struct extract_ctx *c, size_t own_end,
    GHashTable *order)
{
	GArray *out = NULL;
	GArray *fresh = NULL;
	size_t added = 0;
	size_t i, k;

	for (i = 0; i < c->n && g_hash_table_size(order) > 0; i++) {
		const struct extract_line *l = &c->lines[i];
		struct extract_inline_marker m[EXTRACT_LINE_MARKERS];
		struct extract_line piece;
		size_t n = 0;

		if (i < own_end && l->depth == 0 &&
		    (l->kind == EXTRACT_MARKER || l->kind == EXTRACT_TEXT))
			n = extract_line_markers(l->content, m);
		if (!extract_is_marker_run(c, order, l->content, m, n)) {
			if (out)
				g_array_append_val(out, *l);
			continue;
		}
		if (!out) {
			out = g_array_new(FALSE, FALSE,
			    sizeof(struct extract_line));
			fresh = g_array_new(FALSE, FALSE, sizeof(size_t));
			g_array_append_vals(out, c->lines, (guint)i);
		}
		for (k = 0; k <= n; k++) {
			const char *start = k == 0 ? l->content :
			    m[k - 1].start;
			const char *end = k < n ? m[k].start :
			    l->content + strlen(l->content);
			size_t at = out->len;

			if (end == start)
				continue;
			piece = *l;
			piece.text = piece.content = extract_piece(c, start,
			    end);
			g_array_append_val(fresh, at);
			g_array_append_val(out, piece);
		}
		added = out->len - i - 1;
	}
	if (!out)
		return 0;
	g_free(c->lines);
	c->n = out->len;
	c->lines = (struct extract_line *)(void *)g_array_free(out, FALSE);
	for (k = 0; k < fresh->len; k++)
		extract_classify_simple(c, &c->lines[g_array_index(fresh,
		    size_t, k)]);
	g_array_free(fresh, TRUE);
	return added;
}

struct extract_loose_line {
	size_t line;
	enum extract_loose style;
	char id[EXTRACT_ID_SIZE];
	const char *rest;
	bool taken;
};

/*
 * Does candidate k open a paragraph and sit in template order between
 * the closest markers above and below it in the own text (lines before
 * own_end), with at least one of them?  Mid-paragraph, "Q3. was better"
 * under "[Q1] text" is the answer's sentence.
 */
static bool
extract_loose_in_order(const struct extract_ctx *c, GHashTable *order,
    size_t own_end, const struct extract_loose_line *k)
{
	size_t at = extract_order_of(c, order, k->id);
	size_t above = 0, below = 0;
	size_t i;

	if (k->line > 0 && c->lines[k->line - 1].depth == 0 &&
	    c->lines[k->line - 1].kind != EXTRACT_BLANK)
		return false;
	for (i = k->line; i-- > 0;)
		if (c->lines[i].depth == 0 &&
		    c->lines[i].kind == EXTRACT_MARKER) {
			above = extract_order_of(c, order, c->lines[i].id);
			if (above == 0 || above >= at)
				return false;
			break;
		}
	for (i = k->line + 1; i < own_end; i++)
		if (c->lines[i].depth == 0 &&
		    (c->lines[i].kind == EXTRACT_MARKER ||
		    c->lines[i].kind == EXTRACT_END)) {
			if (c->lines[i].kind == EXTRACT_END)
				break;
			below = extract_order_of(c, order, c->lines[i].id);
			if (below == 0 || below <= at)
				return false;
			break;
		}
	return above > 0 || below > 0;
}

static void
extract_take_loose(struct extract_ctx *c, const struct extract_loose_line *k)
{
	struct extract_line *l = &c->lines[k->line];

	l->kind = EXTRACT_MARKER;
	g_strlcpy(l->id, k->id, sizeof(l->id));
	l->rest = k->rest;
	l->bare = true;
}

/*
 * Markers retyped without brackets (extract_parse_loose()), read as
 * markers only where the message shows they are: see extract_reply() in
 * extract.h for the rule.
 */
static void
extract_find_loose_markers(struct extract_ctx *c, size_t own_end,
    GHashTable *order)
{
	GArray *cand = g_array_new(FALSE, TRUE,
	    sizeof(struct extract_loose_line));
	GHashTable *own = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *styles[EXTRACT_LOOSE_STYLES] = { NULL };
	size_t i;

	for (i = 0; i < own_end; i++)
		if (c->lines[i].depth == 0 &&
		    c->lines[i].kind == EXTRACT_MARKER && !c->lines[i].bare)
			g_hash_table_add(own, c->lines[i].id);
	for (i = 0; i < own_end; i++) {
		struct extract_line *l = &c->lines[i];
		struct extract_loose_line k = { 0 };

		if (l->depth != 0 || l->kind != EXTRACT_TEXT)
			continue;
		k.line = i;
		k.rest = extract_parse_loose(l->content, k.id, &k.style);
		if (!k.rest || g_hash_table_contains(own, k.id) ||
		    (g_hash_table_size(order) > 0 &&
		    extract_order_of(c, order, k.id) == 0) ||
		    (k.style == EXTRACT_LOOSE_PROMPT &&
		    !extract_reads_as_prompt(c, k.id, k.rest)))
			continue;
		g_array_append_val(cand, k);
	}
	/* Two different ids in one style: the participant's way to mark. */
	for (i = 0; i < cand->len; i++) {
		struct extract_loose_line *k = &g_array_index(cand,
		    struct extract_loose_line, i);

		if (!styles[k->style])
			styles[k->style] = g_hash_table_new(g_str_hash,
			    g_str_equal);
		g_hash_table_add(styles[k->style], k->id);
	}
	for (i = 0; i < cand->len; i++) {
		struct extract_loose_line *k = &g_array_index(cand,
		    struct extract_loose_line, i);

		k->taken = g_hash_table_size(styles[k->style]) >= 2;
		if (k->taken)
			extract_take_loose(c, k);
	}
	/* Alone in its style, it goes on the other markers' sequence. */
	for (i = 0; i < cand->len; i++) {
		struct extract_loose_line *k = &g_array_index(cand,
		    struct extract_loose_line, i);

		if (!k->taken && extract_loose_in_order(c, order, own_end, k))
			extract_take_loose(c, k);
	}
	for (i = 0; i < EXTRACT_LOOSE_STYLES; i++)
		if (styles[i])
			g_hash_table_unref(styles[i]);
	g_hash_table_unref(own);
	g_array_free(cand, TRUE);
}

/* Drops trailing rule lines ("-----") that introduced the original. */
static void
extract_drop_rules(GPtrArray *lines)
{
	while (lines->len > 0) {
		const char *l = lines->pdata[lines->len - 1];

		while (*l == ' ')
			l++;
		if (*l && strspn(l, "-_=* ") != strlen(l))
			break;
		g_ptr_array_remove_index(lines, lines->len - 1);
	}
}


/* Has the section an answer so far? */
static bool
extract_section_answered(const struct extract_section *sec)
{
	size_t i;

	if (sec->first)
		return true;
	for (i = 0; i < sec->lines->len; i++)
		if (!extract_is_blank_or_deco(sec->lines->pdata[i]))
			return true;
	return false;
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
static void
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

/*
 * Is s the sender's own name as a signature: their display name, one
 * word of it ("Beatriz" for "Beatriz Lima", "Maria" for "Garcia, Maria",
 * "Xiaolan" for "Zhou Xiaolan", whose given name comes last) or their
 * initials ("KM", "K.M."), after an optional dash ("-Tim", "— Leo")?
 * Compared ignoring case.
 */
static bool
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
	for (; words[n] && !found; n++)
		found = g_utf8_strlen(words[n], -1) >= 2 &&
		    strcmp(line, words[n]) == 0;
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
 * Is line i, a paragraph of its own under an answer ("5 not 4, sorry\n
 * \nBeatriz"), the sender's name signing off: nothing of the
 * participant's follows it but the quoted original, an attribution, an
 * Outlook header, a signature or the end?  A name between two answers
 * is left alone.
 */
static bool
extract_is_sender_sign_off(const struct extract_ctx *c, size_t i)
{
	const struct extract_line *l = &c->lines[i];
	size_t k;

	if (l->kind != EXTRACT_TEXT || i == 0 ||
	    c->lines[i - 1].kind != EXTRACT_BLANK ||
	    !extract_is_sender_name(c, l->content))
		return false;
	for (k = i + 1; k < c->n && c->lines[k].kind == EXTRACT_BLANK; k++)
		;
	if (k == c->n || c->lines[k].depth != l->depth)
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
	size_t n = strlen(s), k;

	if (i == 0 || c->lines[i - 1].kind != EXTRACT_BLANK ||
	    !extract_section_answered(sec) || n > EXTRACT_NAME_MAX ||
	    extract_word_count(s) > 4 || !(s[n - 1] == ',' ||
	    (n >= 2 && memcmp(s + n - 2, "\xd8\x8c", 2) == 0) ||	/* ، */
	    (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x8c", 3) == 0)))	/* ， */
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
	while (k < c->n && c->lines[k].kind == EXTRACT_BLANK)
		k++;
	if (k == c->n || c->lines[k].depth != l->depth)
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
	default:
		return false;
	}
}

/*
 * Does a sign-off start at line i: a closing alone, then (after at most
 * one blank line) a short name line, or nothing more of the participant's
 * once the section has an answer?  Without [END], "4\n\nKind
 * regards,\nLina" ends the last answer at "Kind regards,".
 */
static bool
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
	/* A closing over a signature ("-- ", a name block over a disclaimer). */
	if (n < c->n && c->lines[n].depth == l->depth &&
	    (c->lines[n].kind == EXTRACT_SIG_LINE ||
	    c->lines[n].kind == EXTRACT_SIG_DELIM))
		return true;
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
 * Is the original at depth level that starts at line start someone's
 * reply rather than our invitation: an attribution at that depth over a
 * deeper quote, or below its first marker a boundary or header block (our
 * invitation quotes nothing; a forward's boundary may stand above it)?
 * A colleague who replies to all with "+1 to Maria's points" quotes
 * Maria's answers above our invitation; those are Maria's, not his.
 * Only for quoted originals: an assistant forwarding the invitee's reply
 * (unquoted, below a forward's boundary or header block) sends the
 * invitee's answers, filed for the invitee (SPEC 5).
 */
static bool
extract_original_is_a_reply(const struct extract_ctx *c, size_t start,
    unsigned level)
{
	size_t i;
	bool marker = false;

	for (i = start; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];

		if (l->depth != level)
			continue;
		/*
		 * An attribution over a deeper quote: this message quotes
		 * another, which our invitation never does.  (Apple Mail's
		 * own attribution, quoted with the text, has none below.)
		 */
		if (l->kind == EXTRACT_ATTRIBUTION && !l->stop)
			return true;
		if (l->kind == EXTRACT_MARKER)
			marker = true;
		else if (marker && (l->kind == EXTRACT_BOUNDARY ||
		    extract_is_header_block(c, i, false)))
			return true;
	}
	return false;
}

/*
 * At the header of an unquoted original (Outlook, or text after an
 * attribution line with nothing quoted).  When the participant wrote no
 * marker above it, they typed their answers into the original, under its
 * markers ("see my answers below"): keep reading, taking only what is
 * under a marker and not template text.  Otherwise the original is the
 * template they answered above it: stop.
 */
static bool
extract_enter_original(struct extract_ctx *c, struct extract_section *sec,
    bool *in_original)
{
	extract_close_section(c, sec);
	if (c->res->structured)
		return false;
	*in_original = true;
	return true;
}

/*
 * Collects the answers written at quote depth level: 0 for the
 * participant's own text (with their inline answers under quoted
 * markers), 1 when they typed inside the quoted original (see
 * extract_reply()).
 */
static void
extract_walk(struct extract_ctx *c, unsigned level)
{
	struct extract_section sec = { 0 };
	bool in_signature = false;
	/* Past the header of an unquoted original the participant wrote in. */
	bool in_original = false;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];
		bool continued;
		bool option;

		/* The line above is the answer's: see the header block. */
		continued = sec.lines && i > 0 &&
		    c->lines[i - 1].depth == l->depth &&
		    c->lines[i - 1].kind != EXTRACT_BLANK;
		if (l->depth == level && (l->kind == EXTRACT_BOUNDARY ||
		    (extract_is_header_block(c, i, continued) &&
		    !extract_is_pasted(c, i)))) {
			if (in_original)
				continue;
			extract_drop_rules(sec.lines ? sec.lines :
			    c->free_lines);
			if (!extract_enter_original(c, &sec, &in_original))
				break;
			continue;
		}
		/* Our receipt's list ends what was typed in above it. */
		if (in_original && l->depth == level &&
		    extract_listing_id(l->text, NULL)) {
			extract_close_section(c, &sec);
			continue;
		}
		switch (l->kind) {
		case EXTRACT_MARKER:
			if (l->depth < level)
				continue;
			extract_close_section(c, &sec);
			extract_open_section(c, &sec, l, level, in_original);
			if (l->depth == 0 && !in_original)
				c->own_marker = true;
			c->res->structured = true;
			in_signature = false;
			continue;
		case EXTRACT_END:
			extract_close_section(c, &sec);
			in_signature = false;
			continue;
		case EXTRACT_ATTRIBUTION:
			if (l->depth == level)
				extract_close_section(c, &sec);
			if (l->depth == level && l->stop &&
			    !extract_enter_original(c, &sec, &in_original))
				goto out;
			in_signature = false;
			continue;
		case EXTRACT_SIG_DELIM:
		case EXTRACT_SIG_LINE:
			/* What follows a signature is more signature. */
			if (l->depth == level)
				in_signature = true;
			continue;
		case EXTRACT_REF:
		case EXTRACT_ARMOR:
			continue;
		case EXTRACT_BOUNDARY:
		case EXTRACT_TEXT:
		case EXTRACT_BLANK:
			break;
		}
		if (l->depth != level) {
			in_signature = false;
			continue;
		}
		if (sec.lines && extract_is_sign_off(c, i, &sec))
			in_signature = true;
		if (sec.lines && level == 0 && !in_original &&
		    extract_section_answered(&sec) &&
		    extract_is_sender_sign_off(c, i))
			continue;
		if (in_signature)
			continue;
		if (!sec.lines) {
			if (!in_original && level == 0)
				g_ptr_array_add(c->free_lines, l->text);
			continue;
		}
		if (l->kind == EXTRACT_TEXT &&
		    extract_is_template(c, sec.id, l->content, &option) &&
		    (!option || extract_take_option(&sec, l->content)))
			continue;
		if (l->kind == EXTRACT_TEXT &&
		    !extract_has_choice_mark(l->content) &&
		    extract_looks_like_option(&sec, l->text,
		    in_original || level > 0) &&
		    extract_take_option(&sec, l->content))
			continue;
		g_ptr_array_add(sec.lines, l->text);
	}
out:
	extract_close_section(c, &sec);
}

/*
 * The tag of an Outlook inline comment at the start of text, "Maria
 * Garcia" of "[Maria Garcia] yes", newly allocated; NULL when text does
 * not start with one.  A tag is letters (two or more), blanks, dots,
 * hyphens and apostrophes: never a question id, a citation key
 * ("[BPF18]") or a choice mark ("[x]").
 */
static char *
extract_name_tag(const char *text)
{
	const char *p = text + 1;
	size_t letters = 0;

	if (*text != '[')
		return NULL;
	for (; *p && *p != ']'; p += g_utf8_skip[*(const guchar *)p]) {
		if ((size_t)(p - text) > EXTRACT_NAME_MAX)
			return NULL;
		if (g_unichar_isalpha(g_utf8_get_char(p)))
			letters++;
		else if (!strchr(" .-'", *p))
			return NULL;
	}
	if (*p != ']' || letters < 2 || (p[1] && p[1] != ' ' && p[1] != '\n'))
		return NULL;
	return g_strndup(text + 1, (size_t)(p - text - 1));
}

/* text without "[tag]" and its blanks at the start of each line. */
static char *
extract_strip_tag(const char *text, const char *tag)
{
	GString *out = g_string_new(NULL);
	size_t n = strlen(tag);
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (p[0] == '[' && strncmp(p + 1, tag, n) == 0 &&
		    p[n + 1] == ']') {
			len -= n + 2;
			p += n + 2;
			while (*p == ' ') {
				p++;
				len--;
			}
		}
		g_string_append_len(out, p, (gssize)len);
		p += len;
	}
	return g_strstrip(g_string_free(out, FALSE));
}

/*
 * A tag repeated on answers is a writer's mark when it reads as a name:
 * two to four capitalised words ("Maria Garcia") or two or three
 * capitals ("KM"), not "[Yes]" or "[TBD]" typed as answers.
 */
static bool
extract_tag_looks_like_name(const char *tag)
{
	char **words = g_strsplit(tag, " ", -1);
	size_t n = 0, i, len = strlen(tag);
	bool capitalised = true;

	for (i = 0; words[i]; i++) {
		if (!*words[i])
			continue;
		n++;
		capitalised = capitalised &&
		    g_unichar_isupper(g_utf8_get_char(words[i]));
	}
	g_strfreev(words);
	if (n == 1)
		return len >= 2 && len <= 3 && g_ascii_isupper(tag[0]) &&
		    g_ascii_isupper(tag[1]) && (len == 2 ||
		    g_ascii_isupper(tag[2]));
	return n >= 2 && n <= 4 && capitalised;
}

/*
 * Outlook's "mark my comments with": each answer typed into the original
 * starts with the writer's tag, "[Maria Garcia] yes", "[KM] 4".  The tag
 * is not the answer when it is the sender's name or initials, or when it
 * starts two answers or more.
 */
static void
extract_strip_name_tags(struct extract_ctx *c)
{
	GHashTable *count = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	size_t i;

	for (i = 0; i < c->slots->len; i++) {
		struct extract_slot *s = c->slots->pdata[i];
		char *tag = s->text ? extract_name_tag(s->text) : NULL;

		if (tag)
			g_hash_table_insert(count, tag, GUINT_TO_POINTER(
			    GPOINTER_TO_UINT(g_hash_table_lookup(count,
			    tag)) + 1));
	}
	for (i = 0; i < c->slots->len && g_hash_table_size(count) > 0; i++) {
		struct extract_slot *s = c->slots->pdata[i];
		char *tag = s->text ? extract_name_tag(s->text) : NULL;
		char *text;

		if (tag && ((GPOINTER_TO_UINT(g_hash_table_lookup(count,
		    tag)) >= 2 && extract_tag_looks_like_name(tag)) ||
		    extract_is_sender_name(c, tag))) {
			text = extract_strip_tag(s->text, tag);
			/* "[Yes]" alone is the answer, not a tag. */
			if (*text) {
				g_free(s->text);
				s->text = text;
			} else
				g_free(text);
		}
		g_free(tag);
	}
	g_hash_table_unref(count);
}

static bool
extract_answered(const struct extract_ctx *c)
{
	size_t i;

	for (i = 0; i < c->slots->len; i++)
		if (((struct extract_slot *)c->slots->pdata[i])->text)
			return true;
	return false;
}

static void
extract_answer_free(gpointer p)
{
	struct extract_answer *a = p;

	g_free(a->id);
	g_free(a->text);
	g_free(a);
}

static void
extract_slot_free(gpointer p)
{
	struct extract_slot *s = p;

	g_free(s->text);
	g_free(s);
}

struct extract_result *
extract_reply(const char *text, const char *const *ids,
    const char *const *ignore_lines, const char *sender_name)
{
	struct extract_ctx c = { 0 };
	char *valid = g_utf8_make_valid(text ? text : "", -1);
	bool structured, pgp;
	GHashTable *order;
	size_t i, own_end;

	c.ids = ids;
	c.sender = sender_name && *sender_name ? sender_name : NULL;
	c.res = g_new0(struct extract_result, 1);
	c.res->answers = g_ptr_array_new_with_free_func(extract_answer_free);
	c.res->warnings = g_ptr_array_new_with_free_func(g_free);
	c.ignore = g_ptr_array_new_with_free_func(g_free);
	c.prompts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_ptr_array_unref);
	c.prompt_source = g_hash_table_new(g_direct_hash, g_direct_equal);
	c.slots = g_ptr_array_new_with_free_func(extract_slot_free);
	c.free_lines = g_ptr_array_new();
	c.pieces = g_ptr_array_new_with_free_func(g_free);

	for (i = 0; ignore_lines && ignore_lines[i]; i++) {
		/* Compared byte skip by byte skip: valid UTF-8 only. */
		char *line = g_utf8_make_valid(ignore_lines[i], -1);
		char *clean = extract_clean_line(line, strlen(line));
		char id[EXTRACT_ID_SIZE];
		const char *rest = extract_parse_marker(g_strstrip(clean), id);

		if (*(rest ? rest : clean))
			g_ptr_array_add(c.ignore, g_strdup(rest ? rest :
			    clean));
		g_free(clean);
		g_free(line);
	}
	extract_split(&c, valid);
	pgp = strstr(valid, EXTRACT_PGP_BEGIN) != NULL;
	if (pgp)
		extract_unescape_pgp(&c);
	for (i = 0; i < c.n; i++)
		extract_classify_simple(&c, &c.lines[i]);
	if (pgp)
		extract_mark_pgp_armor(&c);
	if (!ids)
		extract_check_bare_ids(&c);
	extract_mark_attributions(&c);
	extract_unmark_pasted(&c);
	own_end = extract_own_end(&c);
	/* The split below adds own lines only: the order stays. */
	order = extract_template_order(&c, own_end);
	if (!ids)
		extract_check_unknown_ids(&c, own_end, order);
	own_end += extract_split_marker_runs(&c, own_end, order);
	/* The split inserted lines: the index moves with them. */
	extract_find_last_furniture(&c);
	extract_keep_own_quotes(&c, own_end);
	extract_mark_disclaimers(&c, own_end);
	extract_collect_prompts(&c, own_end);
	extract_find_loose_markers(&c, own_end, order);
	g_hash_table_unref(order);
	extract_walk(&c, 0);
	/*
	 * Nothing answered in their own text: they may have typed inside
	 * the quoted original ("see my answers below" in Gmail or Apple
	 * Mail, whose plain part then quotes what they typed).  The text
	 * under the quoted markers is read, flagged: a quoted reminder
	 * carries recorded answers there too, which only the caller, who
	 * knows them, can tell apart (ingest drops them).
	 */
	if (!extract_answered(&c) && !extract_original_is_a_reply(&c, 0, 1)) {
		/* The quoted markers count once the walk reaches them. */
		structured = c.res->structured;
		c.res->structured = false;
		extract_walk(&c, 1);
		c.res->structured = c.res->structured || structured;
		c.res->quoted_only = extract_answered(&c);
	}
	extract_drop_listed(&c);
	extract_strip_name_tags(&c);
	/*
	 * Markers only in the quote and nothing answered: a note above the
	 * invitation ("travelling, will answer later") is for triage.
	 */
	if (!extract_answered(&c))
		c.res->structured = c.own_marker;

	for (i = 0; i < c.slots->len; i++) {
		struct extract_slot *s = c.slots->pdata[i];
		struct extract_answer *a;

		if (!s->text)
			continue;
		a = g_new0(struct extract_answer, 1);
		a->id = g_strdup(s->id);
		a->text = g_steal_pointer(&s->text);
		g_ptr_array_add(c.res->answers, a);
	}
	c.res->free_text = extract_join(NULL, c.free_lines);

	g_free(c.text);
	g_free(c.lines);
	g_ptr_array_unref(c.free_lines);
	g_ptr_array_unref(c.pieces);
	g_ptr_array_unref(c.slots);
	g_hash_table_unref(c.prompt_source);
	g_hash_table_unref(c.prompts);
	g_ptr_array_unref(c.ignore);
	g_free(valid);
	return c.res;
}

void
extract_result_free(struct extract_result *r)
{
	if (!r)
		return;
	g_ptr_array_unref(r->answers);
	g_free(r->free_text);
	g_ptr_array_unref(r->warnings);
	g_free(r);
}
