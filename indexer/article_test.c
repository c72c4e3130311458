/*
 * article_test.c - the article text and JSON Lines parsers: every field of
 * the articles that come out, and the exact message of each bad article.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "article.h"

#ifndef KH_TEST_TMPDIR
#error "KH_TEST_TMPDIR must name a scratch directory"
#endif

/* The seed article (../shared/seed/000_39aec0ce4e52fe5b.txt), exactly as
 * published: its section, title, ten paragraphs, five subheadings and the
 * three related headlines printed under it. */
#define SEED_SECTION "أعمال"
#define SEED_TITLE                                                                                 \
    "تاريخ علاقة العمل والعداء بين “إيلون ماسك” "            \
    "و”سام ألتمان”"
#define SEED_P1                                                                                    \
    "يقود “إيلون ماسك” و”سام ألتمان” شركات "                   \
    "ذكاء اصطناعي، ويتبادلان الانتقادات "                           \
    "العلنية، ولكن الأمر لم يكن كذلك دائمًا، "                    \
    "فقبل سنوات، تأسست شركة OpenAI بمشاركة “ماسك” "              \
    "و”ألتمان”، ولكن الأول غادر الشركة وتركها "               \
    "لـ”ألتمان”، الذي أنشأ ChatGPT، في عام 2018، "                     \
    "لتنتهي الشراكة بين الطرفين، ولكن لماذا؟ وما "            \
    "الذي حدث؟ هذا ما سنعرفه في السطور التالية:"
#define SEED_P2                                                                                    \
    "أسس “ماسك” و”ألتمان” OpenAI، وهي شركة الذكاء "            \
    "الاصطناعي التي أنشأت ChatGPT، في عام 2015 "                           \
    "بالتعاون مع شخصيات أخرى نافذة بما في ذلك "                   \
    "“بيتر تيل”، مؤسس LinkedIn و”ريد هوفمان”، "                     \
    "ومؤسس Y Combinator “جيسيكا ليفينغستون”، وكان "                  \
    "هدف هذه المجموعة هو إنشاء منظمة غير ربحية "                 \
    "تركز على تطوير الذكاء الاصطناعي “بالطريقة "              \
    "الأكثر احتمالًا لصالح البشرية بأكملها”، "                 \
    "وفقًا لبيان على موقع OpenAI بتاريخ 11 ديسمبر 2015، "            \
    "وفي ذلك الوقت، قال “إيلون ماسك” إن الذكاء "               \
    "الاصطناعي هو “أكبر تهديد قائم على الوجود” "              \
    "للبشرية، في حين يقول إعلان تأسيس OpenAI أنه "                   \
    "“من الصعب تصور مدى الفائدة التي يمكن أن "                    \
    "يجلبها الذكاء الاصطناعي للبشرية، ومن الصعب "             \
    "بالمثل تصور مدى الضرر الذي يمكن أن يلحقه "                   \
    "بالمجتمع إذا تم بناؤه أو استخدامه بشكل غير "               \
    "صحيح”."
#define SEED_P3                                                                                    \
    "غادر “ماسك” مجلس إدارة OpenAI في عام 2018، وقالت "            \
    "OpenAI في منشور على مدونتها آنذاك: “مع تزايد "                 \
    "تركيز تسلا على الذكاء الاصطناعي، سيزيل هذا "              \
    "التحرك تضاربًا محتملًا في المستقبل بالنسبة "             \
    "لإيلون”، وأضافت أن “ماسك” سيستمر في تقديم "             \
    "التوجيه والتبرعات، ولكن مع رحيله انسحب "                     \
    "“ماسك” أيضًا من الالتزام بتقديم تمويل "                     \
    "إضافي لـ OpenAI، مما دفع “ألتمان” للقول: "                       \
    "“الأمر كان صعب جدًا علي أن أعيد توجيه حياتي "             \
    "ووقتي إلى حد ما ليكون لدينا ما يكفي من "                        \
    "التمويل”، وفي مارس، تم الإبلاغ عن رفض “سام "             \
    "ألتمان” وغيره من مؤسسي OpenAI لاقتراح “ماسك” "             \
    "بتسيير الشركة في عام 2018، كما ذكرت تحقيقات "                 \
    "صحافية أن “ماسك” أراد تسيير الشركة بمفرده "              \
    "في محاولة للتغلب على “جوجل”، ولكن عندما تم "             \
    "رفض عرضه لتسيير الشركة، قام بسحب تمويله "                    \
    "ومغادرة مجلس إدارة OpenAI."
#define SEED_P4                                                                                    \
    "في عام 2019، قدم “ماسك” بعض الأسباب حول "                       \
    "قراره، مشيرًا إلى أن أحدها كان عدم اتفاقه "                 \
    "على الاتجاه الذي تسلكه OpenAI، إذ غرد قائلاً: "                \
    "“كان علي أن أركز على حل عدد كبير جدًا من "                    \
    "مشاكل الهندسة والتصنيع في “تسلا” و”سبيس "                \
    "إكس” أيضًا، ولم أكن أتفق مع بعض ما يرغب فريق "            \
    "OpenAI في القيام به”، ومنذ مغادرته، قام "                         \
    "“ماسك” بانتقاد OpenAI أكثر من مرة."
#define SEED_P5                                                                                    \
    "في ديسمبر 2022، بعد أيام من إصدار OpenAI لـ ChatGPT، "              \
    "قال “ماسك” إن الشركة كانت تمتلك الوصول "                    \
    "المسبق إلى قاعدة بيانات Twitter – والتي "                          \
    "يمتلكها الآن “ماسك” – لتدريب نموذج الذكاء "             \
    "الاصطناعي وأنه سيعلق ذلك. وقال: “أحتاج إلى "               \
    "معرفة المزيد عن هيكل الحوكمة وخطط الإيرادات "            \
    "المستقبلية، إذ قد تم تأسيس OpenAI كمشروع مفتوح "             \
    "المصدر وغير ربحي، وليس هذا الحال حتى الآن”."
#define SEED_P6                                                                                    \
    "وإن كان وذُكر أن “ماسك” غضب بشأن نجاح ChatGPT، "             \
    "حسبما ذكرت Semafor في مارس، ففي نوفمبر، بدأ "                    \
    "نموذج الدردشة الخاص بالتطبيق في تحقيق "                       \
    "نجاحًا كبيرًا وجذب ملايين المستخدمين بفضل "               \
    "قدرته على كتابة مقالات وصياغة رموز بسيطة، "                \
    "ثم في فبراير، أكد “ماسك” مرة أخرى، قائلاً "               \
    "إن OpenAI كما هي اليوم “ليست كما كنت أنوي على "                \
    "الإطلاق”."
#define SEED_P7                                                                                    \
    "وقال في تغريدة: “تم إنشاء OpenAI كشركة مفتوحة "               \
    "المصدر -وهذا هو السبب في تسميتها “Open” AI- "                   \
    "وشركة غير ربحية لتكون بديلاً لجوجل، ولكنها "              \
    "الآن أصبحت شركة مغلقة المصدر تسعى لتحقيق "                  \
    "أقصى قدر من الأرباح وتسيطر عليها "                                 \
    "مايكروسوفت، ليس هذا ما كنت أنوي على "                            \
    "الإطلاق”."
#define SEED_P8                                                                                    \
    "قام “ألتمان” مؤخرًا بالحديث عن “ماسك” "                   \
    "وخلافهما، إذ أوضح في حلقة من بودكاست “On With "               \
    "Kara Swisher”: “أعتقد أن “ماسط” يهتم حقًا "                        \
    "بمستقبل جيد مع AGI”، في إشارة إلى الذكاء "                     \
    "الاصطناعي العام، ثم أضاف “أعني، إنه شخص "                   \
    "متعجرف، بغض النظر عما تريد أن تقوله عنه – "                 \
    "لديه أسلوب ليس الأسلوب الذي أرغب فيه لنفسي- "              \
    "ولكن أعتقد أنه يهتم حقًا، ويشعر بالضغط "                      \
    "الشديد بشأن شكل مستقبل البشرية”."
#define SEED_P9                                                                                    \
    "وفي رد على ادعاء ماسك بأن OpenAI أصبحت “شركة "                 \
    "مغلقة المصدر تسعى لتحقيق أقصى قدر من "                          \
    "الأرباح وتسيطر عليها مايكروسوفت”، قال "                     \
    "“ألتمان”: “معظم ذلك غير صحيح، وأعتقد أن "                  \
    "“ماسك” يعلم ذلك”."
#define SEED_P10                                                                                   \
    "كان “ماسك” واحدًا من أكثر من 1000 شخص وقعوا "                \
    "على عريضة تدعو إلى التوقف لمدة ستة أشهر عن "                \
    "تدريب أنظمة الذكاء الاصطناعي المتقدمة، "                    \
    "وذلك بسبب مخاوف حول المخاطر المحتملة للذكاء "            \
    "الاصطناعي على البشرية، ولكن على الرغم من "                  \
    "أنه كان يدعو علنًا إلى التوقف، كان يبني بصمت "            \
    "منافسًا لـ OpenAI وهو xAI، وفقًا لتقرير مجلة “ذا "            \
    "نيو يوركر”، وفي الوقت ذاته بإلغاء متابعته "               \
    "لألتمان على “تويتر” قبل أن يتابعه مرة "                      \
    "أخرى، وبشكل منفصل، سخر ألتمان في وقت لاحق من "            \
    "ادعاء ماسك بأنه “مطلق حرية التعبير”. حيث "                 \
    "قام تويتر مؤخرًا بمنع إعادة نشر أو الرد على "              \
    "تغريدته قبل أن يتراجع عن ذلك."
#define SEED_H1 "تعاون قديم"
#define SEED_H2 "مغادرة"
#define SEED_H3 "تغير الحال"
#define SEED_H4 "رد ألتمان"
#define SEED_H5 "موقف ماسك"
#define SEED_R1                                                                                    \
    "لمن ستذهب عائدات بث النزال بين “ماسك” "                      \
    "و”زوكبيرغ”؟"
#define SEED_R2 "إيلون ماسك vs مارك زوكربيرغ"
#define SEED_R3                                                                                    \
    "هل قرار إيلون ماسك بشأن تغيير شعار تويتر "                   \
    "الشهير صائب؟"

/* The seed article converted to the article text format; lines numbered in
 * seed_article below. Subheadings with and without a blank line after them,
 * no final newline. */
static const char seed_txt[] = "title: " SEED_TITLE "\n"
                               "section: " SEED_SECTION "\n"
                               "related: " SEED_R1 "\n"
                               "related: " SEED_R2 "\n"
                               "related: " SEED_R3 "\n"
                               "\n" SEED_P1 "\n"
                               "\n"
                               "## " SEED_H1 "\n" SEED_P2 "\n"
                               "\n"
                               "## " SEED_H2 "\n"
                               "\n" SEED_P3 "\n"
                               "\n" SEED_P4 "\n"
                               "\n"
                               "## " SEED_H3 "\n" SEED_P5 "\n"
                               "\n" SEED_P6 "\n"
                               "\n" SEED_P7 "\n"
                               "\n"
                               "## " SEED_H4 "\n" SEED_P8 "\n"
                               "\n" SEED_P9 "\n"
                               "\n"
                               "## " SEED_H5 "\n" SEED_P10;

typedef struct exp_para {
    const char *heading, *text;
    unsigned line;
} exp_para_t;

typedef struct exp_related {
    const char *title, *id, *url;
} exp_related_t;

typedef struct exp_article {
    const char *id, *title, *section, *date, *url, *lang;
    unsigned line;
    size_t n_paragraphs;
    exp_para_t paragraphs[10];
    size_t n_related;
    exp_related_t related[5];
} exp_article_t;

static const exp_article_t seed_article = {
    .id = "000_39aec0ce4e52fe5b",
    .title = SEED_TITLE,
    .section = SEED_SECTION,
    .line = 1,
    .n_paragraphs = 10,
    .paragraphs = {{NULL, SEED_P1, 7},
                   {SEED_H1, SEED_P2, 10},
                   {SEED_H2, SEED_P3, 14},
                   {NULL, SEED_P4, 16},
                   {SEED_H3, SEED_P5, 19},
                   {NULL, SEED_P6, 21},
                   {NULL, SEED_P7, 23},
                   {SEED_H4, SEED_P8, 26},
                   {NULL, SEED_P9, 28},
                   {SEED_H5, SEED_P10, 31}},
    .n_related = 3,
    .related = {{SEED_R1, NULL, NULL}, {SEED_R2, NULL, NULL}, {SEED_R3, NULL, NULL}},
};

static const exp_article_t headerless_en = {
    .id = "plain-article",
    .title = "Storm closes the coast road",
    .line = 1,
    .n_paragraphs = 3,
    .paragraphs = {{NULL, "The coast road was closed on Monday after a storm brought down trees.",
                    4},
                   {"Reopening", "Crews expect to reopen it by Friday.", 9},
                   {"Lonely heading", "", 10}},
};

static const exp_article_t headerless_ar = {
    .id = "abc",
    .title = "عاصفة تغلق الطريق الساحلي",
    .line = 1,
    .n_paragraphs = 2,
    .paragraphs = {{NULL, "أغلقت السلطات الطريق الساحلي يوم الاثنين بعد سقوط الأشجار.", 3},
                   {"إعادة الفتح", "تتوقع الفرق إعادة فتحه يوم الجمعة.", 6}},
};

static const exp_article_t not_a_header = {
    .id = "note",
    .title = "note: this is not a header",
    .line = 1,
    .n_paragraphs = 1,
    .paragraphs = {{NULL, "body", 3}},
};

static const exp_article_t crlf_article = {
    .id = "crlf-1",
    .title = "CRLF title",
    .date = "2024-02-29T13:45:00+03:00",
    .lang = "en-gb",
    .url = "https://example.com/a?b=1#c",
    .line = 1,
    .n_paragraphs = 2,
    .paragraphs = {{NULL, "first second line", 7}, {NULL, "last", 10}},
};

static const exp_article_t small_t = {
    .id = "small",
    .title = "T",
    .line = 1,
    .n_paragraphs = 1,
    .paragraphs = {{NULL, "para", 4}},
};

#define JL_A                                                                                                                       \
    "{\"id\": \"arcd-p0001\", \"title\": \"جمال خاشقجي\", \"text\": \"جمال أحمد حمزة خاشقجي صحفي " \
    "سعودي.\"}\n"
#define JL_B                                                                                       \
    "{\"id\": \"cran-1\", \"text\": \"experimental investigation of a wing in a slipstream .\"}\n"
#define JL_C                                                                                                \
    "{\"id\": \"snn-1\", \"title\": \"بريطانيا: أربعة محاور\", \"text\": \"الفقرة " \
    "الأولى.\\nالفقرة الثانية.\\n\\n  \\nالفقرة الثالثة.\"}\n"

static const exp_article_t jl_a = {
    .id = "arcd-p0001",
    .title = "جمال خاشقجي",
    .line = 1,
    .n_paragraphs = 1,
    .paragraphs = {{NULL, "جمال أحمد حمزة خاشقجي صحفي سعودي.", 1}},
};

static const exp_article_t jl_b = {
    .id = "cran-1",
    .line = 2,
    .n_paragraphs = 1,
    .paragraphs = {{NULL, "experimental investigation of a wing in a slipstream .", 2}},
};

static const exp_article_t jl_c = {
    .id = "snn-1",
    .title = "بريطانيا: أربعة محاور",
    .line = 4,
    .n_paragraphs = 3,
    .paragraphs = {{NULL, "الفقرة الأولى.", 4},
                   {NULL, "الفقرة الثانية.", 4},
                   {NULL, "الفقرة الثالثة.", 4}},
};

static const exp_article_t jl_full = {
    .id = "42",
    .title = "Full",
    .section = "Tech",
    .date = "2023-07-04",
    .url = "https://example.com/x",
    .lang = "ar",
    .line = 1,
    .n_paragraphs = 2,
    .paragraphs = {{NULL, "p1", 1}, {NULL, "p2", 1}},
    .n_related = 4,
    .related = {{"one", NULL, NULL},
                {"two", "x2", "https://e.com/2"},
                {"three", "7", NULL},
                /* data only: kept as written, never opened */
                {"../../etc/passwd", "../../etc/shadow", "file:///etc/passwd"}},
};

#define ONE_PARA(ID, LINE, TEXT)                                                                   \
    {                                                                                              \
        .id = ID, .line = LINE, .n_paragraphs = 1, .paragraphs = { {NULL, TEXT, LINE} }            \
    }

static const exp_article_t jl_first = ONE_PARA("a", 1, "first");
static const exp_article_t jl_third = ONE_PARA("c", 3, "third");
static const exp_article_t jl_w1 = ONE_PARA("w1", 1, "win");
static const exp_article_t jl_w2 = ONE_PARA("w2", 3, "dows");
static const exp_article_t jl_ok9 = {.id = "ok", .title = "still read", .line = 9};
static const exp_article_t jl_ok3 = ONE_PARA("ok", 3, "fine");

typedef struct exp_event {
    kh_status_t status;  /* KH_OK: an article */
    const char *message; /* errors: the exact message, "@" for the file name */
    const exp_article_t *article;
} exp_event_t;

typedef enum { PLAIN, GZIP, GZIP_CUT } packing_t;

typedef struct article_case {
    const char *name; /* the test's name */
    const char *file; /* file name in the scratch directory */
    const char *data;
    size_t len; /* 0: strlen(data) */
    packing_t packing;
    kh_format_t format;
    size_t max_line;        /* 0: the default */
    exp_event_t events[10]; /* then the end of input */
} article_case_t;

#define BYTES(s) s, sizeof(s) - 1
#define FAIL(status, message)                                                                      \
    {                                                                                              \
        status, message, NULL                                                                      \
    }
#define ARTICLE(a)                                                                                 \
    {                                                                                              \
        KH_OK, NULL, &(a)                                                                          \
    }
#define X10 "xxxxxxxxxx"
#define X200 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10
#define KNOWN_KEYS "(known: id, title, section, date, url, lang, related)"
#define DATE_HINT "(expected ISO 8601: YYYY-MM-DD, optionally with a time)"
#define HASH_WHY "it contains '#', which separates passage numbers"

static const article_case_t cases[] = {
    /* ---- article text ---- */
    {"seed article, header format",
     "000_39aec0ce4e52fe5b.txt",
     BYTES(seed_txt),
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(seed_article)}},
    {"seed article, .txt.gz",
     "000_39aec0ce4e52fe5b.txt.gz",
     BYTES(seed_txt),
     GZIP,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(seed_article)}},
    {"headerless English",
     "plain-article.txt",
     "  \n"
     "Storm closes the coast road\n"
     "\n"
     "The coast road was closed on Monday\n"
     "  after a storm brought down trees.   \n"
     "\n"
     "\n"
     "## Reopening\n"
     "Crews expect to reopen it by Friday.\n"
     "## Lonely heading\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(headerless_en)}},
    {"headerless Arabic .txt.gz, id from the name",
     "abc.txt.gz",
     "عاصفة تغلق الطريق الساحلي\n"
     "\n"
     "أغلقت السلطات الطريق الساحلي يوم الاثنين\n"
     "بعد سقوط الأشجار.\n"
     "## إعادة الفتح\n"
     "تتوقع الفرق إعادة فتحه يوم الجمعة.\n",
     0,
     GZIP,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(headerless_ar)}},
    {"first line with an unknown key is the title",
     "note.txt",
     "note: this is not a header\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(not_a_header)}},
    {"CRLF, BOM, no final newline, explicit format",
     "crlf.data",
     "\xEF\xBB\xBFid: crlf-1\r\n"
     "title: CRLF title\r\n"
     "date: 2024-02-29T13:45:00+03:00\r\n"
     "lang: EN-GB\r\n"
     "url:\thttps://example.com/a?b=1#c\r\n"
     "\r\n"
     "first\r\n"
     "second line\r\n"
     "\r\n"
     "last",
     0,
     PLAIN,
     KH_FORMAT_TEXT,
     0,
     {ARTICLE(crlf_article)}},
    {"unknown header key",
     "bad-key.txt",
     "id: x\nauthor: me\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:2: unknown header key \"author\" " KNOWN_KEYS)}},
    {"malformed header line",
     "bad-header.txt",
     "title: T\nno colon here\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:2: malformed header line (expected \"key: value\", or a blank line "
                          "before the body)")}},
    {"capitalised key inside the header",
     "bad-case.txt",
     "id: x\nTitle: T\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:2: malformed header line (expected \"key: value\", or a blank line "
                          "before the body)")}},
    {"duplicate header key",
     "dup.txt",
     "title: A\ntitle: B\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:2: duplicate header key \"title\"")}},
    {"empty header value",
     "empty-value.txt",
     "title: A\nsection:\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:2: empty value for header key \"section\"")}},
    {"bad date",
     "bad-date.txt",
     "title: A\ndate: 2023-02-29\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:2: bad date \"2023-02-29\" " DATE_HINT)}},
    {"id with #",
     "bad-id.txt",
     "id: a#b\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:1: bad id \"a#b\": " HASH_WHY)}},
    {"id over 200 bytes",
     "long-id.txt",
     "id: " X200 "x\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:1: bad id \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\": it is "
                          "longer than 200 bytes")}},
    {"bad lang",
     "bad-lang.txt",
     "lang: arabic\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:1: bad lang \"arabic\" (expected a language code such as ar or en)")}},
    {"invalid UTF-8 in the body",
     "bad-utf8.txt",
     "title: T\n\nok line\nbad \xff byte\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_UTF8, "@:4: invalid UTF-8 at column 5")}},
    {"invalid UTF-8 in the header",
     "bad-utf8-header.txt",
     "title: caf\xe9\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_UTF8, "@:1: invalid UTF-8 at column 11")}},
    {"NUL byte",
     "nul.txt",
     BYTES("title: NUL inside\n\nA line of ordinary text with a\0 NUL byte in the middle of it.\n"),
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_UTF8, "@:3: NUL byte at column 31")}},
    {"header with no body",
     "no-body.txt",
     "title: T\nsection: S\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT,
           "@:2: header with no body (expected a blank line, then the paragraphs)")}},
    {"header, blank lines, no body",
     "no-body2.txt",
     "title: T\n\n\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT,
           "@:1: header with no body (expected a blank line, then the paragraphs)")}},
    {"empty file",
     "empty.txt",
     "",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@: empty file")}},
    {"only blank lines",
     "blank.txt",
     "\n \n\t\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@: no title and no body (only blank lines)")}},
    {"binary file",
     "image.txt",
     BYTES("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xff"
           "a\0\0\0\x01sRGB\0\xae\xce\x1c\xe9\0\0\0"),
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@: looks like a binary file, not UTF-8 text")}},
    {"UTF-16 file",
     "utf16.txt",
     BYTES("\xff\xfet\0i\0t\0l\0e\0\n\0"),
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@: UTF-16 text (byte-order mark FF FE); convert it to UTF-8")}},
    {"over-long line rejects the article",
     "long-line.txt",
     "title: T\n\nshort\nthis line is much longer than twenty bytes\nmore\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     20,
     {FAIL(KH_ERR_LINE_TOO_LONG, "@:4: line longer than 20 bytes")}},
    {"truncated .txt.gz gives no article",
     "cut.txt.gz",
     "id: small\ntitle: T\n\npara\n",
     0,
     GZIP_CUT,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_TRUNCATED, "@: truncated gzip input after line 4")}},
    {"whole .txt.gz",
     "small.txt.gz",
     "id: small\ntitle: T\n\npara\n",
     0,
     GZIP,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(small_t)}},
    {"file name that makes a bad id",
     "a#b.txt",
     "Title\n\nbody\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT,
           "@: the file name gives a bad id \"a#b\": " HASH_WHY "; add an \"id:\" header line")}},

    /* ---- JSON Lines ---- */
    {"test-collection shape",
     "arcd.jsonl",
     JL_A JL_B "\n" JL_C,
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(jl_a), ARTICLE(jl_b), ARTICLE(jl_c)}},
    {"test-collection shape, .jsonl.gz",
     "arcd.jsonl.gz",
     JL_A JL_B "\n" JL_C,
     0,
     GZIP,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(jl_a), ARTICLE(jl_b), ARTICLE(jl_c)}},
    {"every field; related as strings and objects",
     "full.json",
     "{\"id\": 42, \"title\": \"  Full  \", \"section\": \"Tech\", \"date\": \"2023-07-04\", "
     "\"url\": \"https://example.com/x\", \"lang\": \"AR\", \"body\": \"p1\\r\\np2\", "
     "\"related\": [\"one\", {\"title\": \"two\", \"id\": \"x2\", \"url\": \"https://e.com/2\"}, "
     "{\"title\": \"three\", \"id\": 7}, \"\", {\"title\": \"../../etc/passwd\", \"id\": "
     "\"../../etc/shadow\", \"url\": \"file:///etc/passwd\"}], \"extra\": {\"ignored\": true}}",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(jl_full)}},
    {"malformed line in the middle",
     "middle.jsonl",
     "{\"id\": \"a\", \"text\": \"first\"}\n"
     "{\"id\": \"b\", \"title\": }\n"
     "{\"id\": \"c\", \"text\": \"third\"}\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(jl_first),
      FAIL(KH_ERR_FORMAT, "@:2: invalid JSON at column 22: unexpected token near '}'"),
      ARTICLE(jl_third)}},
    {"wrong types",
     "types.jsonl",
     "{\"id\": \"r5\", \"title\": \"t\", \"related\": 5}\n"
     "{\"id\": \"t5\", \"title\": 5}\n"
     "{\"id\": 1.5, \"title\": \"t\"}\n"
     "{\"title\": \"no id\"}\n"
     "{\"id\": \"\", \"title\": \"t\"}\n"
     "[1, 2]\n"
     "{\"id\": \"rel\", \"title\": \"t\", \"related\": [\"ok\", 3]}\n"
     "{\"id\": \"rel2\", \"title\": \"t\", \"related\": [{\"title\": [\"x\"]}]}\n"
     "{\"id\": \"b\", \"text\": [\"x\"]}\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:1: \"related\" must be a list of strings or objects, not a number"),
      FAIL(KH_ERR_FORMAT, "@:2: \"title\" must be a string, not a number"),
      FAIL(KH_ERR_FORMAT, "@:3: \"id\" must be a string or an integer, not a number"),
      FAIL(KH_ERR_FORMAT, "@:4: missing \"id\""),
      FAIL(KH_ERR_FORMAT, "@:5: bad id \"\": it is empty"),
      FAIL(KH_ERR_FORMAT, "@:6: expected a JSON object, found a list"),
      FAIL(KH_ERR_FORMAT, "@:7: \"related\"[1] must be a string or an object, not a number"),
      FAIL(KH_ERR_FORMAT, "@:8: \"related\"[0].title must be a string, not a list"),
      FAIL(KH_ERR_FORMAT, "@:9: \"text\" must be a string, not a list")}},
    {"bad articles",
     "bad.jsonl",
     "{\"id\": \"e\", \"title\": \"\", \"text\": \"  \\n \"}\n"
     "{\"id\": \"bt\", \"body\": \"x\", \"text\": \"y\"}\n"
     "{\"id\": \"d\", \"title\": \"t\", \"date\": \"04/07/2023\"}\n"
     "{\"id\": \"a#1\", \"title\": \"t\"}\n"
     "{\"id\": \"dup\", \"id\": \"dup2\", \"title\": \"t\"}\n"
     "{\"id\": \"z\", \"text\": \"nul \\u0000 here\"}\n"
     "{\"id\": \"g\", \"text\": \"x\"} junk\n"
     "{\"id\": \"l\", \"title\": \"t\", \"lang\": \"english\"}\n"
     "{\"id\": \"ok\", \"title\": \"still read\"}\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@:1: article \"e\" has no title and no body"),
      FAIL(KH_ERR_FORMAT, "@:2: both \"body\" and \"text\" given; give one"),
      FAIL(KH_ERR_FORMAT, "@:3: bad date \"04/07/2023\" " DATE_HINT),
      FAIL(KH_ERR_FORMAT, "@:4: bad id \"a#1\": " HASH_WHY),
      FAIL(KH_ERR_FORMAT, "@:5: invalid JSON at column 18: duplicate object key near '\"id\"'"),
      FAIL(KH_ERR_FORMAT, "@:6: a \\u0000 (NUL) escape at column 26: article text cannot hold NUL"),
      FAIL(KH_ERR_FORMAT, "@:7: invalid JSON at column 29: end of file expected near 'junk'"),
      FAIL(KH_ERR_FORMAT, "@:8: bad lang \"english\" (expected a language code such as ar or en)"),
      ARTICLE(jl_ok9)}},
    {"invalid UTF-8 and a NUL byte in JSON Lines",
     "utf8.jsonl",
     BYTES("{\"id\": \"u\", \"text\": \"caf\xe9\"}\n"
           "{\"id\": \"n\", \"text\": \"a\0b\"}\n"
           "{\"id\": \"ok\", \"text\": \"fine\"}\n"),
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_UTF8, "@:1: invalid UTF-8 at column 25"),
      FAIL(KH_ERR_UTF8, "@:2: NUL byte at column 23"), ARTICLE(jl_ok3)}},
    {"over-long line, then the next",
     "long.jsonl",
     "{\"id\": \"a\", \"text\": \"first\"}\n"
     "{\"id\": \"b\", \"text\": \"a line longer than the limit\"}\n"
     "{\"id\": \"c\", \"text\": \"third\"}\n",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     40,
     {ARTICLE(jl_first), FAIL(KH_ERR_LINE_TOO_LONG, "@:2: line longer than 40 bytes"),
      ARTICLE(jl_third)}},
    {"truncated .jsonl.gz",
     "cut.jsonl.gz",
     "{\"id\": \"a\", \"text\": \"first\"}\n"
     "\n"
     "{\"id\": \"c\", \"text\": \"third\"}\n",
     0,
     GZIP_CUT,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(jl_first), ARTICLE(jl_third),
      FAIL(KH_ERR_TRUNCATED, "@: truncated gzip input after line 3")}},
    {"CRLF JSON Lines",
     "crlf.jsonl",
     "{\"id\": \"w1\", \"text\": \"win\"}\r\n\r\n{\"id\": \"w2\", \"text\": \"dows\"}",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {ARTICLE(jl_w1), ARTICLE(jl_w2)}},
    {"binary .jsonl",
     "image.jsonl",
     BYTES("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0"),
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@: looks like a binary file, not UTF-8 text")}},
    {"empty .jsonl",
     "empty.jsonl",
     "",
     0,
     PLAIN,
     KH_FORMAT_AUTO,
     0,
     {FAIL(KH_ERR_FORMAT, "@: empty file")}},
};

static char *scratch_path(const char *file)
{
    char *path = malloc(4096);
    assert_non_null(path);
    snprintf(path, 4096, "%s/article_test.d", KH_TEST_TMPDIR);
    mkdir(path, 0700);
    snprintf(path, 4096, "%s/article_test.d/%s", KH_TEST_TMPDIR, file);
    return path;
}

static void write_input(const char *path, const char *data, size_t len, packing_t packing)
{
    if (packing == PLAIN) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        return;
    }
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
    if (packing == GZIP_CUT) { /* lose the end of the trailer: every line is there */
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(truncate(path, sb.st_size - 4), 0);
    }
}

/* tmpl with each '@' replaced by path. */
static char *expand(const char *tmpl, const char *path)
{
    size_t n = strlen(tmpl) + 1;
    for (const char *p = tmpl; *p; p++)
        n += *p == '@' ? strlen(path) : 0;
    char *out = malloc(n), *o = out;
    assert_non_null(out);
    for (const char *p = tmpl; *p; p++) {
        if (*p == '@') {
            strcpy(o, path);
            o += strlen(path);
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

static void assert_opt_string(const char *want, const char *got)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
}

static void assert_article(const kh_article_t *a, const exp_article_t *e, const char *file)
{
    assert_string_equal(a->id, e->id);
    assert_opt_string(e->title, a->title);
    assert_opt_string(e->section, a->section);
    assert_opt_string(e->date, a->date);
    assert_opt_string(e->url, a->url);
    assert_opt_string(e->lang, a->lang);
    assert_string_equal(a->file, file);
    assert_int_equal(a->line, e->line);
    assert_int_equal(a->n_paragraphs, e->n_paragraphs);
    for (size_t i = 0; i < e->n_paragraphs; i++) {
        assert_opt_string(e->paragraphs[i].heading, a->paragraphs[i].heading);
        assert_string_equal(a->paragraphs[i].text, e->paragraphs[i].text);
        assert_int_equal(a->paragraphs[i].line, e->paragraphs[i].line);
    }
    assert_int_equal(a->n_related, e->n_related);
    for (size_t i = 0; i < e->n_related; i++) {
        assert_string_equal(a->related[i].title, e->related[i].title);
        assert_opt_string(e->related[i].id, a->related[i].id);
        assert_opt_string(e->related[i].url, a->related[i].url);
    }
}

static void run_events(const article_case_t *c, const char *path, int from_memory);

static void run_case(void **state)
{
    const article_case_t *c = *state;
    char *path = scratch_path(c->file);
    write_input(path, c->data, c->len ? c->len : strlen(c->data), c->packing);

    /* A plain input is read twice: from its file, then from memory under
     * the same name (kh_article_reader_open_memory), with the same events. */
    for (int from_memory = 0; from_memory < (c->packing == PLAIN ? 2 : 1); from_memory++)
        run_events(c, path, from_memory);
    free(path);
}

static void run_events(const article_case_t *c, const char *path, int from_memory)
{
    kh_article_reader_t *r;
    kh_error_t err = {0};
    size_t len = c->len ? c->len : strlen(c->data);
    if (from_memory)
        assert_int_equal(kh_article_reader_open_memory(path, c->data, len, c->format, &r, &err),
                         KH_OK);
    else
        assert_int_equal(kh_article_reader_open(path, c->format, &r, &err), KH_OK);
    assert_string_equal(kh_article_reader_path(r), path);
    if (c->max_line)
        kh_article_reader_set_max_line(r, c->max_line);
    for (const exp_event_t *e = c->events; e->status || e->article; e++) {
        kh_article_t *a = (kh_article_t *)&a; /* must be set to NULL on error */
        kh_error_clear(&err);
        kh_status_t st = kh_article_reader_next(r, &a, &err);
        if (st != e->status)
            print_error("%s: got %s (%s)\n", c->name, kh_status_name(st), err.message);
        assert_int_equal(st, e->status);
        if (e->article) {
            assert_non_null(a);
            assert_article(a, e->article, path);
            kh_article_free(a);
        } else {
            char *want = expand(e->message, path);
            assert_null(a);
            assert_int_equal(err.status, e->status);
            assert_string_equal(err.message, want);
            free(want);
        }
    }
    for (int twice = 0; twice < 2; twice++) {
        kh_article_t *a = (kh_article_t *)&a;
        assert_int_equal(kh_article_reader_next(r, &a, &err), KH_OK);
        assert_null(a);
    }
    kh_article_reader_close(r);
}

static void test_open_errors(void **state)
{
    (void)state;
    kh_article_reader_t *r = (kh_article_reader_t *)&r;
    kh_error_t err = {0};
    assert_int_equal(kh_article_reader_open("notes.md", KH_FORMAT_AUTO, &r, &err), KH_ERR_FORMAT);
    assert_null(r);
    assert_string_equal(err.message, "notes.md: unknown input format (expected a name ending in "
                                     ".txt, .jsonl or .json, optionally followed by .gz)");

    char *path = scratch_path("missing.txt");
    unlink(path);
    char *want = expand("@: cannot open: No such file or directory", path);
    assert_int_equal(kh_article_reader_open(path, KH_FORMAT_AUTO, &r, &err), KH_ERR_NOT_FOUND);
    assert_null(r);
    assert_string_equal(err.message, want);
    free(want);
    free(path);

    /* An explicit format reads any name. */
    path = scratch_path("notes.md");
    write_input(path, "Notes\n\nSome text.\n", 18, PLAIN);
    assert_int_equal(kh_article_reader_open(path, KH_FORMAT_TEXT, &r, &err), KH_OK);
    kh_article_t *a;
    assert_int_equal(kh_article_reader_next(r, &a, &err), KH_OK);
    assert_string_equal(a->id, "notes");
    assert_string_equal(a->title, "Notes");
    kh_article_free(a);
    kh_article_reader_close(r);
    kh_article_reader_close(NULL);
    kh_article_free(NULL);
    free(path);
}

/* Runs one read of standard input holding data; returns the first result. */
static kh_status_t read_stdin(const char *data, kh_format_t *format, kh_article_t **a,
                              kh_error_t *err)
{
    char *path = scratch_path("stdin");
    write_input(path, data, strlen(data), GZIP);
    int saved = dup(STDIN_FILENO), fd = open(path, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    kh_article_reader_t *r;
    assert_int_equal(kh_article_reader_open("-", KH_FORMAT_AUTO, &r, err), KH_OK);
    assert_string_equal(kh_article_reader_path(r), "<stdin>");
    *format = kh_article_reader_format(r);
    kh_status_t st = kh_article_reader_next(r, a, err);
    kh_article_reader_close(r);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    free(path);
    return st;
}

static void test_stdin(void **state)
{
    (void)state;
    kh_format_t format;
    kh_article_t *a;
    kh_error_t err = {0};

    assert_int_equal(
        read_stdin("\n  {\"id\": \"s1\", \"text\": \"from a pipe\"}\n", &format, &a, &err), KH_OK);
    assert_int_equal(format, KH_FORMAT_JSONL);
    assert_string_equal(a->id, "s1");
    assert_string_equal(a->file, "<stdin>");
    assert_int_equal(a->line, 2);
    kh_article_free(a);

    assert_int_equal(read_stdin("id: s2\ntitle: T\n\nbody\n", &format, &a, &err), KH_OK);
    assert_int_equal(format, KH_FORMAT_TEXT);
    assert_string_equal(a->id, "s2");
    kh_article_free(a);

    assert_int_equal(read_stdin("Title\n\nbody\n", &format, &a, &err), KH_ERR_FORMAT);
    assert_null(a);
    assert_string_equal(err.message, "<stdin>: no id: an article read from standard input needs "
                                     "an \"id:\" header line");
}

typedef struct check_row {
    const char *input;
    kh_status_t status;
    const char *why;
} check_row_t;

static void test_check_id(void **state)
{
    (void)state;
    static const check_row_t rows[] = {
        {"arcd-p0001", KH_OK, NULL},
        {"خبر-١٢", KH_OK, NULL},
        {"with space", KH_OK, NULL},
        {"", KH_ERR_FORMAT, "it is empty"},
        {X200, KH_OK, NULL},
        {X200 "x", KH_ERR_FORMAT, "it is longer than 200 bytes"},
        {"a#1", KH_ERR_FORMAT, HASH_WHY},
        {"tab\there", KH_ERR_FORMAT, "it contains a control character"},
        {"del\x7f", KH_ERR_FORMAT, "it contains a control character"},
        {"c1\xc2\x85", KH_ERR_FORMAT, "it contains a control character"},
        {"nbsp\xc2\xa0ok", KH_OK, NULL},
        {"bad\xff", KH_ERR_FORMAT, "it is not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const char *why = "unset";
        assert_int_equal(kh_article_check_id(rows[i].input, strlen(rows[i].input), &why),
                         rows[i].status);
        assert_opt_string(rows[i].why, why);
    }
}

static void test_check_date(void **state)
{
    (void)state;
    static const check_row_t rows[] = {
        {"2023-07-04", KH_OK, NULL},
        {"2024-02-29", KH_OK, NULL},
        {"2000-02-29", KH_OK, NULL},
        {"2023-07-04T13:45", KH_OK, NULL},
        {"2023-07-04 13:45:59", KH_OK, NULL},
        {"2023-07-04T13:45:59.123Z", KH_OK, NULL},
        {"2023-07-04T13:45:59+03:00", KH_OK, NULL},
        {"2023-07-04T13:45-0530", KH_OK, NULL},
        {"2023-02-29", KH_ERR_FORMAT, NULL},
        {"1900-02-29", KH_ERR_FORMAT, NULL},
        {"2023-13-01", KH_ERR_FORMAT, NULL},
        {"2023-04-31", KH_ERR_FORMAT, NULL},
        {"2023-00-10", KH_ERR_FORMAT, NULL},
        {"2023-7-4", KH_ERR_FORMAT, NULL},
        {"04/07/2023", KH_ERR_FORMAT, NULL},
        {"2023-07-04T25:00", KH_ERR_FORMAT, NULL},
        {"2023-07-04T13", KH_ERR_FORMAT, NULL},
        {"2023-07-04T13:45:59.", KH_ERR_FORMAT, NULL},
        {"2023-07-04Z", KH_ERR_FORMAT, NULL},
        {"2023-07-04 ", KH_ERR_FORMAT, NULL},
        {"٢٠٢٣-٠٧-٠٤", KH_ERR_FORMAT, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        if (kh_article_check_date(rows[i].input, strlen(rows[i].input)) != rows[i].status)
            print_error("date \"%s\"\n", rows[i].input);
        assert_int_equal(kh_article_check_date(rows[i].input, strlen(rows[i].input)),
                         rows[i].status);
    }
}

static void test_format_from_path(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        kh_format_t format;
    } rows[] = {
        {"a.txt", KH_FORMAT_TEXT},    {"dir/a.TXT.gz", KH_FORMAT_TEXT},
        {"a.jsonl", KH_FORMAT_JSONL}, {"a.jsonl.gz", KH_FORMAT_JSONL},
        {"a.json", KH_FORMAT_JSONL},  {"a.json.GZ", KH_FORMAT_JSONL},
        {"a.gz", KH_FORMAT_AUTO},     {"a.png", KH_FORMAT_AUTO},
        {"txt", KH_FORMAT_AUTO},      {"a.txt.bak", KH_FORMAT_AUTO},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        kh_format_t f;
        assert_int_equal(kh_format_from_path(rows[i].path, &f),
                         rows[i].format == KH_FORMAT_AUTO ? KH_ERR_FORMAT : KH_OK);
        assert_int_equal(f, rows[i].format);
    }
    assert_string_equal(kh_format_name(KH_FORMAT_AUTO), "auto");
    assert_string_equal(kh_format_name(KH_FORMAT_TEXT), "text");
    assert_string_equal(kh_format_name(KH_FORMAT_JSONL), "jsonl");
}

int main(void)
{
    enum { N_CASES = sizeof cases / sizeof *cases };
    struct CMUnitTest tests[N_CASES + 5];
    for (size_t i = 0; i < N_CASES; i++)
        tests[i] = (struct CMUnitTest){cases[i].name, run_case, NULL, NULL, (void *)&cases[i]};
    tests[N_CASES + 0] = (struct CMUnitTest)cmocka_unit_test(test_open_errors);
    tests[N_CASES + 1] = (struct CMUnitTest)cmocka_unit_test(test_stdin);
    tests[N_CASES + 2] = (struct CMUnitTest)cmocka_unit_test(test_check_id);
    tests[N_CASES + 3] = (struct CMUnitTest)cmocka_unit_test(test_check_date);
    tests[N_CASES + 4] = (struct CMUnitTest)cmocka_unit_test(test_format_from_path);
    return _cmocka_run_group_tests("article_test", tests, N_CASES + 5, NULL, NULL);
}
