/*
 * xapian_ref.cc - raw Xapian, the reference of the speed benchmark (issue 5).
 *
 * What a developer gets from Xapian alone, with its own defaults: one
 * document per article (title, then body), Xapian's TermGenerator with the
 * Snowball arabic stemmer and STEM_SOME (two terms per word: the unstemmed
 * word and the Z-prefixed stem), positions, the default flush threshold
 * (XAPIAN_FLUSH_THRESHOLD, 10,000 documents), the article id as document
 * data; searching with Xapian's QueryParser (same stemmer, STEM_SOME,
 * default OR) and BM25 with its defaults, top 10, each hit's data read.
 *
 * Not part of the product: C++ is allowed in the project only in the Xapian
 * binding. tests/bench/speed.sh compiles it with
 *   g++ -O2 -std=c++17 xapian_ref.cc $(pkg-config --cflags --libs xapian-core jansson zlib)
 *
 * usage: xapian_ref index DB INPUT.jsonl[.gz]
 *          prints "articles N seconds S" (wall, excluding process start-up)
 *        xapian_ref search DB QUERIES.tsv
 *          runs each QID<TAB>QUERY line, prints "timing QID MICROSECONDS"
 *          per query on stderr and "queries N seconds S" on stdout
 */
#include <xapian.h>

#include <jansson.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

namespace
{

double now()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

/* Reads one line (any length) from a gzip or plain file; false at the end. */
bool read_line(gzFile f, std::string &line)
{
    line.clear();
    char buf[65536];
    while (gzgets(f, buf, sizeof buf)) {
        line += buf;
        if (!line.empty() && line.back() == '\n') {
            line.pop_back();
            return true;
        }
    }
    return !line.empty();
}

std::string field(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return std::to_string(json_integer_value(v));
    return "";
}

int index_main(const char *db_path, const char *input)
{
    double start = now();
    Xapian::WritableDatabase db(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("arabic"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    gzFile f = gzopen(input, "rb");
    if (!f) {
        std::cerr << input << ": cannot open\n";
        return 2;
    }
    gzbuffer(f, 1 << 20);
    std::string line;
    unsigned long articles = 0;
    while (read_line(f, line)) {
        json_error_t jerr;
        json_t *obj = json_loadb(line.data(), line.size(), 0, &jerr);
        if (!obj)
            continue;
        std::string id = field(obj, "id");
        std::string title = field(obj, "title");
        std::string text = field(obj, "text");
        if (text.empty())
            text = field(obj, "body");
        json_decref(obj);
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(title);
        tg.increase_termpos();
        tg.index_text(text);
        doc.set_data(id);
        doc.add_boolean_term("Q" + id);
        db.add_document(doc);
        articles++;
    }
    gzclose(f);
    db.commit();
    db.close();
    printf("articles %lu seconds %.3f\n", articles, now() - start);
    return 0;
}

int search_main(const char *db_path, const char *queries)
{
    Xapian::Database db(db_path);
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(Xapian::Stem("arabic"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    std::ifstream in(queries);
    std::string line;
    unsigned long n = 0;
    double start = now();
    while (std::getline(in, line)) {
        size_t tab = line.find('\t');
        std::string qid = tab == std::string::npos ? std::to_string(n + 1) : line.substr(0, tab);
        std::string text = tab == std::string::npos ? line : line.substr(tab + 1);
        double t0 = now();
        try {
            enquire.set_query(qp.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT));
            Xapian::MSet mset = enquire.get_mset(0, 10);
            for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
                (void)it.get_document().get_data();
        } catch (const Xapian::QueryParserError &) {
            /* counted, like a query with no result */
        }
        fprintf(stderr, "timing\t%s\t%.0f\n", qid.c_str(), (now() - t0) * 1e6);
        n++;
    }
    printf("queries %lu seconds %.3f\n", n, now() - start);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    try {
        if (argc == 4 && strcmp(argv[1], "index") == 0)
            return index_main(argv[2], argv[3]);
        if (argc == 4 && strcmp(argv[1], "search") == 0)
            return search_main(argv[2], argv[3]);
    } catch (const Xapian::Error &e) {
        std::cerr << "xapian_ref: " << e.get_description() << "\n";
        return 2;
    }
    std::cerr << "usage: xapian_ref index DB INPUT.jsonl[.gz] | search DB QUERIES.tsv\n";
    return 2;
}
