// Unit tests of the Jinja interpreter: statements, expressions, filters, tests, methods, globals
// and errors, each against the text jinja2 gives in transformers' environment (checked by hand
// against jinja2 3.1.6; the oracle tests compare whole chat templates automatically).
#include <gtest/gtest.h>

#include "tests/chat/template_test_support.h"

namespace ladder::chat::test {
namespace {

// ---- statements ----

TEST(Interpreter, ForLoopVariableCountsFromBothEndsAndSeesNeighbours) {
    EXPECT_EQ(render("{% for a in [1,2,3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}"
                     "{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}"
                     "{{ loop.previtem }}{{ loop.nextitem }}{{ loop.depth }};{% endfor %}"),
              "1032TrueFalse321;2121FalseFalse3131;3210FalseTrue321;");
}

TEST(Interpreter, ForLoopFilterCountsOnlyTheKeptItemsAndElseRunsWhenNoneIsLeft) {
    EXPECT_EQ(
        render("{% for a in [1,2,3,4] if a is even %}{{ loop.index }}/{{ loop.length }}:{{ a }} "
               "{% else %}none{% endfor %}"),
        "1/2:2 2/2:4 ");
    EXPECT_EQ(render("{% for a in [1,3] if a is even %}x{% else %}none{% endfor %}"), "none");
    EXPECT_EQ(render("{% for a in missing %}x{% else %}empty{% endfor %}"), "empty");
}

TEST(Interpreter, ForLoopUnpacksDictItemsAndPairs) {
    EXPECT_EQ(render("{% for k, v in d.items() %}{{ k }}={{ v }},{% endfor %}",
                     R"({"d": {"b": 1, "a": 2}})"),
              "b=1,a=2,");
    EXPECT_EQ(render("{% for k in d %}{{ k }}{% endfor %}", R"({"d": {"x": 1, "y": 2}})"), "xy");
    EXPECT_EQ(renderError("{% for a, b in [[1,2,3]] %}{% endfor %}").detail(),
              "too many values to unpack (expected 2)");
}

TEST(Interpreter, BreakAndContinueControlTheInnermostLoop) {
    EXPECT_EQ(render("{% for a in [1,2,3,4] %}{% if a == 2 %}{% continue %}{% endif %}{{ a }}"
                     "{% if a == 3 %}{% break %}{% endif %}{% endfor %}"),
              "13");
}

TEST(Interpreter, SetInsideALoopIsGoneAfterItButSetInsideAnIfIsNot) {
    EXPECT_EQ(
        render("{% set x = 1 %}{% for i in [1] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}"),
        "121");
    EXPECT_EQ(
        render("{% for i in [1,2,3] %}[{{ x }}]{% set x = i %}{% endfor %}", R"({"x": "outer"})"),
        "[outer][outer][outer]");
    EXPECT_EQ(render("{% set x = 'a' %}{% if true %}{% set x = 'b' %}{% endif %}{{ x }}"), "b");
}

TEST(Interpreter, NamespaceCarriesValuesOutOfALoop) {
    EXPECT_EQ(render("{% set ns = namespace(total=1, seen=false) %}{% for i in [1,2] %}"
                     "{% set ns.total = ns.total + i %}{% set ns.seen = true %}{% endfor %}"
                     "{{ ns.total }} {{ ns.seen }} {{ ns }}"),
              "4 True <Namespace {'total': 4, 'seen': True}>");
    EXPECT_EQ(renderError("{% set x = 1 %}{% set x.y = 2 %}").detail(),
              "Cannot assign attribute on non-namespace object");
}

TEST(Interpreter, IfChoosesTheFirstTrueBranch) {
    const std::string source = "{% if n > 2 %}big{% elif n > 1 %}mid{% else %}small{% endif %}";
    EXPECT_EQ(render(source, R"({"n": 3})"), "big");
    EXPECT_EQ(render(source, R"({"n": 2})"), "mid");
    EXPECT_EQ(render(source, R"({"n": 0})"), "small");
}

TEST(Interpreter, BlockSetCapturesTheBodyAndAppliesItsFilters) {
    EXPECT_EQ(render("{% set x %} inner {{ 1 }} {% endset %}[{{ x }}]"), "[ inner 1 ]");
    EXPECT_EQ(render("{% set x | trim | upper %} inner {% endset %}[{{ x }}]"), "[INNER]");
}

TEST(Interpreter, MacrosTakeDefaultsExtraArgumentsAndACaller) {
    EXPECT_EQ(render("{% macro m(a, b='x') %}[{{ a }}{{ b }}]{% endmacro %}{{ m(1) }}{{ m(1, 2) }}"
                     "{{ m(1, b=3) }}{{ m }}"),
              "[1x][12][13]<Macro 'm'>");
    EXPECT_EQ(
        render("{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}"),
        "1(2,){'k': 3}");
    EXPECT_EQ(
        render(
            "{% macro box() %}<{{ caller() }}>{% endmacro %}{% call box() %}inside{% endcall %}"),
        "<inside>");
    EXPECT_EQ(renderError("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}").detail(),
              "macro 'm' takes not more than 1 argument(s)");
}

TEST(Interpreter, MacrosSeeTheTemplatesVariablesAtCallTime) {
    EXPECT_EQ(
        render("{% set y = 4 %}{% macro m() %}{{ y }}{{ messages }}{% endmacro %}{% set y = 5 %}"
               "{{ m() }}",
               R"({"messages": [1]})"),
        "5[1]");
    EXPECT_EQ(render("{% macro m(n) %}{% if n > 0 %}{{ n }}{{ m(n - 1) }}{% endif %}{% endmacro "
                     "%}{{ m(3) }}"),
              "321");
}

TEST(Interpreter, RawBlocksKeepTagsAsTextAndCommentsVanish) {
    EXPECT_EQ(render("{% raw %}{{ a }}{% if %}{% endraw %}|{# a comment #}|"), "{{ a }}{% if %}||");
}

TEST(Interpreter, FilterBlocksWithScopesAndGenerationTags) {
    EXPECT_EQ(render("{% filter upper %}abc{{ 'd' }}{% endfilter %}"), "ABCD");
    EXPECT_EQ(render("{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]"), "3[]");
    EXPECT_EQ(render("{% generation %}answer{% endgeneration %}"), "answer");
}

// ---- expressions ----

TEST(Interpreter, OperatorsBindAsInJinja) {
    EXPECT_EQ(render("{{ 'a' + 'b' ~ 'c' }}|{{ -2|abs }}|{{ not x is defined }}|{{ 1 + 2 * 3 }}|"
                     "{{ 2 ** 3 ** 2 }}|{{ (1 + 2) * 3 }}"),
              "abc|2|True|7|64|9");
    EXPECT_EQ(render("{{ messages|length - 1 }}", R"({"messages": [1, 2, 3]})"), "2");
}

TEST(Interpreter, ArithmeticFollowsPython) {
    EXPECT_EQ(render("{{ 1/2 }} {{ 10/3 }} {{ -7//2 }} {{ -7%3 }} {{ 7.5 // 2 }} {{ 5.0 % 3 }} "
                     "{{ -5 % 3.0 }} {{ 2 ** -1 }} {{ true + 1 }}"),
              "0.5 3.3333333333333335 -4 2 3.0 2.0 1.0 0.5 2");
    EXPECT_EQ(render("{{ 'ab' * 3 }} {{ [1] * 2 }} {{ [1] + [2] }} {{ (1,) + (2,) }}"),
              "ababab [1, 1] [1, 2] (1, 2)");
    EXPECT_EQ(renderError("{{ 1 / 0 }}").detail(), "division by zero");
    EXPECT_EQ(renderError("{{ 'a' + 1 }}").detail(),
              "can only concatenate str (not \"int\") to str");
    EXPECT_EQ(renderError("{{ 1 + 'a' }}").detail(),
              "unsupported operand type(s) for +: 'int' and 'str'");
}

TEST(Interpreter, NumbersPrintAsPythonPrintsThem) {
    EXPECT_EQ(render("{{ 1.0 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 0.1 + 0.2 }} "
                     "{{ -0.0 }} {{ 1.5e300 * 1e10 }} {{ 123456789012345678.0 }}"),
              "1.0 1e+16 1000000000000000.0 0.0001 1e-05 0.30000000000000004 -0.0 inf "
              "1.2345678901234568e+17");
}

TEST(Interpreter, ContainersPrintAsPythonReprs) {
    EXPECT_EQ(render("{{ [1, 'a', none, true, {'k': 'v'}, (1, 2), (3,)] }}"),
              "[1, 'a', None, True, {'k': 'v'}, (1, 2), (3,)]");
    EXPECT_EQ(render(R"({{ ["it's", 'a"b', "x'y\"z", '\n\t\x01é\u2028'] }})"),
              "[\"it's\", 'a\"b', 'x\\'y\"z', '\\n\\t\\x01é\\u2028']");
    EXPECT_EQ(render("{{ d.items() }} {{ d.keys() }} {{ d.values() }}", R"({"d": {"a": 1}})"),
              "dict_items([('a', 1)]) dict_keys(['a']) dict_values([1])");
}

TEST(Interpreter, SlicesAndIndexesCountCodePoints) {
    const std::string vars = R"({"l": [1, 2, 3], "s": "héllo"})";
    EXPECT_EQ(
        render("{{ l[1:] }}{{ l[:-1] }}{{ l[::2] }}{{ l[::-1] }}{{ l[5:] }}{{ l[-1] }}", vars),
        "[2, 3][1, 2][1, 3][3, 2, 1][]3");
    EXPECT_EQ(render("{{ s[1] }}{{ s[1:3] }}{{ s[::-1] }}{{ s|length }}{{ s[-1] }}", vars),
              "éélolléh5o");
    EXPECT_EQ(render("[{{ l[5] }}]", vars), "[]");
    EXPECT_EQ(render("{{ l.1 }}", vars), "2");
}

TEST(Interpreter, ComparisonsChainAndTestMembership) {
    EXPECT_EQ(
        render("{{ 1 < 2 < 3 }}{{ 3 > 2 > 2 }}{{ 1 == 1.0 }}{{ 'a' in ['a'] }}{{ 'a' in {'a': 1} }}"
               "{{ 'bc' in 'abc' }}{{ 'x' not in 'abc' }}{{ [1, 2] < [1, 3] }}"),
        "TrueFalseTrueTrueTrueTrueTrueTrue");
    EXPECT_EQ(renderError("{{ 1 < 'a' }}").detail(),
              "'<' not supported between instances of 'int' and 'str'");
}

TEST(Interpreter, AndOrReturnOperandsAndConditionalsMayLackAnElse) {
    EXPECT_EQ(render("{{ true and 'x' }}|{{ false or 'y' }}|{{ '' or 0 }}|{{ none and 1 }}|"
                     "{{ 1 if false }}|{{ (1 if false) is defined }}|{{ 'a' if true else 'b' }}"),
              "x|y|0|None||False|a");
}

TEST(Interpreter, UndefinedPrintsNothingAndIsFalseButFailsWhenUsed) {
    EXPECT_EQ(
        render("[{{ x }}]{{ x|length }}{{ x|list }}{{ 'a' in x }}{{ x == none }}{{ x is none }}"
               "{{ x ~ 'a' }}{% if not x %}F{% endif %}{{ none.y is defined }}"),
        "[]0[]FalseFalseFalseaFFalse");
    EXPECT_EQ(renderError("{{ x.y }}").detail(), "'x' is undefined");
    EXPECT_EQ(renderError("{{ x + 1 }}").detail(), "'x' is undefined");
    EXPECT_EQ(renderError("{{ messages[0]['role'] }}", R"({"messages": []})").detail(),
              "list object has no element 0");
    EXPECT_EQ(renderError("{{ d.a.b }}", R"({"d": {}})").detail(),
              "'dict object' has no attribute 'a'");
}

TEST(Interpreter, AttributesFindDictKeysButMethodsComeFirst) {
    EXPECT_EQ(
        render(
            "{{ m.role }}|{{ m['role'] }}|{{ m['items'] }}|{{ m.get('x', 'd') }}|{{ m.missing }}|",
            R"({"m": {"role": "user", "items": 7}})"),
        "user|user|7|d||");
}

// ---- filters ----

TEST(Filters, TojsonWritesJsonDumpsTextWithoutEscapingNonAscii) {
    EXPECT_EQ(render(R"({{ {'a': [1, 2.5, 'é"\n'], 'b': none, 'c': true}|tojson }})"),
              R"({"a": [1, 2.5, "é\"\n"], "b": null, "c": true})");
    EXPECT_EQ(render("{{ {'a': 1, 'b': [1, {}]}|tojson(indent=2) }}"),
              "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    {}\n  ]\n}");
    EXPECT_EQ(render("{{ {'b': 1, 'a': []}|tojson(sort_keys=true) }}|{{ {'a': "
                     "1}|tojson(separators=(',', ':')) }}"),
              R"({"a": [], "b": 1}|{"a":1})");
    EXPECT_EQ(
        render(
            "{{ 'é\u0001'|tojson(ensure_ascii=true) }}|{{ '</script>'|tojson }}|{{ 1.0|tojson }}"),
        R"("\u00e9\u0001"|"</script>"|1.0)");
    EXPECT_EQ(
        render("{{ x|tojson(indent=4) }}",
               R"({"x": {"name": "f", "parameters": {"type": "object"}}})"),
        "{\n    \"name\": \"f\",\n    \"parameters\": {\n        \"type\": \"object\"\n    }\n}");
    EXPECT_EQ(renderError("{{ x|tojson }}").detail(),
              "Object of type Undefined is not JSON serializable");
}

TEST(Filters, TextFiltersWorkOnPythonStrings) {
    EXPECT_EQ(
        render(
            "[{{ '\u00a0 x\u3000'|trim }}][{{ 'xxaxx'|trim('x') }}][{{ 'hELLO wORLD'|capitalize }}]"
            "[{{ \"they're here\"|title }}][{{ 'aBc'|upper }}{{ 'ÀB'|lower }}][{{ "
            "'aaa'|replace('a', 'b', 2) }}]"
            "[{{ 'ab'|center(6) }}][{{ 'one two  three'|wordcount }}][{{ 'Straße'|upper }}]"),
        "[x][a][Hello world][They're Here][ABCàb][bba][  ab  ][3][STRASSE]");
    EXPECT_EQ(render("{{ 'a\nb'|indent(2) }}|{{ 'a\n\nb'|indent(2, true, true) }}|{{ "
                     "'a\nb'|indent('> ', first=true) }}"),
              "a\n  b|  a\n  \n  b|> a\n> b");
}

TEST(Filters, SequenceFiltersFollowJinja) {
    EXPECT_EQ(
        render("{{ [3, 1, 2]|sort }}{{ [1, 2]|first }}{{ [1, 2]|last }}{{ 'abc'|last }}[{{ "
               "[]|first }}]"
               "{{ [1, 'a']|join(',') }}{{ 'ab'|list }}{{ {'a': 1}|list }}{{ [1, 2]|reverse|list }}"
               "{{ [1, 1, 2]|unique|list }}{{ [1, 2]|sum }}{{ [3, 1]|max }}{{ ['B', 'a']|min }}"
               "{{ ['b', 'A', 'a']|sort }}{{ 'abc'|reverse }}"),
        "[1, 2, 3]12c[]1,a['a', 'b']['a'][2, 1][1, 2]33a['A', 'a', 'b']cba");
    EXPECT_EQ(render("{{ d|dictsort }}{{ d|items|list }}", R"({"d": {"b": 1, "a": 2}})"),
              "[('a', 2), ('b', 1)][('b', 1), ('a', 2)]");
    EXPECT_EQ(render("{{ x|default('d') }}|{{ none|default('d') }}|{{ ''|default('d', true) }}|{{ "
                     "0|d(5) }}"),
              "d|None|d|0");
}

TEST(Filters, SelectRejectAndMapPickItemsAndAttributes) {
    const std::string vars =
        R"({"m": [{"role": "system"}, {"role": "user", "n": 2}, {"role": "user", "n": 3}]})";
    EXPECT_EQ(
        render("{{ m|selectattr('role', 'equalto', 'user')|list|length }}|"
               "{{ m|rejectattr('role', 'eq', 'user')|map(attribute='role')|join }}|"
               "{{ m|map(attribute='n', default=0)|list }}|{{ m|selectattr('n')|list|length }}|"
               "{{ [1, 2, 3]|select('odd')|list }}{{ [1, 2, 3]|reject('odd')|list }}"
               "{{ [1, 2]|map('string')|join('-') }}",
               vars),
        "2|system|[0, 2, 3]|2|[1, 3][2]1-2");
    // A generator is true even when it yields nothing, as in Python.
    EXPECT_EQ(render("{% if [1]|selectattr('x') %}T{% else %}F{% endif %}"), "T");
    EXPECT_EQ(renderError("{{ [1]|selectattr('x')|length }}").detail(),
              "object of type 'generator' has no len()");
}

TEST(Filters, NumberFiltersConvertAsPython) {
    EXPECT_EQ(
        render(
            "{{ 1.5|int }} {{ '3'|int }} {{ ' 3.7 '|int }} {{ 'x'|int }} {{ 'x'|int(7) }} "
            "{{ '3'|float }} {{ 3|string }} {{ 1.5|round }} {{ 2.5|round }} {{ 2.675|round(2) }} "
            "{{ 3.14159|round(2, 'floor') }} {{ -3|abs }} {{ '%s-%03d' % ('a', 7) }} "
            "{{ '%s and %s'|format('x', 1) }}"),
        "1 3 3 0 7 3.0 3 2.0 2.0 2.67 3.14 3 a-007 x and 1");
}

// ---- tests ----

TEST(Tests, TypeTestsAnswerAsJinjaDoes) {
    EXPECT_EQ(
        render("{{ 'a' is string }}{{ 1 is number }}{{ true is number }}{{ true is integer }}"
               "{{ 1.0 is float }}{{ {} is mapping }}{{ 'a' is iterable }}{{ 'a' is sequence }}"
               "{{ {} is sequence }}{{ none is none }}{{ true is boolean }}{{ 1 is true }}"
               "{{ x is undefined }}{{ x is iterable }}{{ x is callable }}{{ none is iterable }}"),
        "TrueTrueTrueFalseTrueTrueTrueTrueTrueTrueTrueFalseTrueTrueTrueFalse");
}

TEST(Tests, ValueTestsCompareAndCount) {
    EXPECT_EQ(
        render("{{ 3 is odd }}{{ 4 is even }}{{ 6 is divisibleby 3 }}{{ 6 is divisibleby(4) }}"
               "{{ 1 is eq 1 }}{{ 1 is ne 1 }}{{ 1 is lt 2 }}{{ 2 is ge 2 }}{{ 1 is in [1] }}"
               "{{ 'ab' is lower }}{{ 'AB' is upper }}{{ 1 is sameas 1 }}{{ x is not defined }}"
               "{{ 'trim' is filter }}{{ 'odd' is test }}"),
        "TrueTrueTrueFalseTrueFalseTrueTrueTrueTrueTrueTrueTrueTrueTrue");
}

// ---- methods ----

TEST(Methods, StringMethodsBehaveAsPythons) {
    EXPECT_EQ(render("{{ '  ab c  '.split() }}{{ 'a,b,,c'.split(',') }}{{ 'a b c'.split(' ', 1) }}"
                     "{{ 'a b c'.rsplit(' ', 1) }}{{ ' x '.strip() }}{{ 'xxaxx'.lstrip('x') }}"
                     "{{ '\n\nx\n'.rstrip('\n') }}{{ 'a\nb\r\nc'.splitlines() }}"),
              "['ab', 'c']['a', 'b', '', 'c']['a', 'b c']['a b', 'c']xaxx\n\nx['a', 'b', 'c']");
    EXPECT_EQ(
        render("{{ 'abc'.startswith('a') }}{{ 'abc'.startswith(('x', 'a')) }}{{ "
               "'abc'.endswith('bc') }}"
               "{{ 'abcb'.find('b') }}{{ 'abcb'.rfind('b') }}{{ 'a-b'.replace('-', '+') }}{{ "
               "'abcb'.count('b') }}"
               "{{ ','.join(['a', 'b']) }}{{ 'hello world'.title() }}{{ \"it's\".title() }}"
               "{{ '12'.isdigit() }}{{ 'ab'.upper() }}{{ 'x.jinja'.removesuffix('.jinja') }}"),
        "TrueTrueTrue13a+b2a,bHello WorldIt'STrueABx");
    EXPECT_EQ(
        render(
            "{{ '{} and {}'.format(1, 'b') }}|{{ '{0}{name}{0}'.format(1, name=2) }}|"
            "{{ '{:>5}|{:<4}|{:^5}|{:.2f}|{:05d}|{!r}'.format('a', 'b', 'c', 3.14159, 42, 'q') }}|"
            "{{ '{{}}'.format() }}"),
        "1 and b|121|    a|b   |  c  |3.14|00042|'q'|{}");
    EXPECT_EQ(render("{{ '</think>' in content }}|{{ content.split('</think>')[-1].lstrip('\n') }}",
                     R"({"content": "<think>\nx\n</think>\n\nanswer"})"),
              "True|answer");
}

TEST(Methods, DictAndListMethodsReadButNeverModify) {
    EXPECT_EQ(
        render(
            "{{ d.get('a') }}{{ d.get('z') }}{{ d.get('z', 0) }}{{ l.index(2) }}{{ l.count(2) }}",
            R"({"d": {"a": 1}, "l": [1, 2, 2]})"),
        "1None012");
    const TemplateError append = renderError("{% set l = [1] %}{{ l.append(2) }}");
    EXPECT_EQ(append.kind(), TemplateErrorKind::Security);
    EXPECT_EQ(append.detail(), "access to attribute 'append' of 'list' object is unsafe.");
    EXPECT_EQ(renderError("{{ d.update({'b': 2}) }}", R"({"d": {}})").kind(),
              TemplateErrorKind::Security);
    EXPECT_EQ(render("[{{ 'x'.__class__ }}]"), "[]");
    EXPECT_EQ(renderError("{% set ns = namespace() %}{% set ns._x = 1 %}").kind(),
              TemplateErrorKind::Security);
}

// ---- globals ----

TEST(Globals, RaiseExceptionStopsWithTheTemplatesMessageAndLine) {
    const TemplateError e = renderError("a\nb\n{{ raise_exception('Roles must alternate ' ~ 2) }}");
    EXPECT_EQ(e.kind(), TemplateErrorKind::Raised);
    EXPECT_EQ(e.detail(), "Roles must alternate 2");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(std::string(e.what()),
              "test.jinja, line 3: the template refused this conversation: Roles must alternate 2");
}

TEST(Globals, StrftimeNowReadsTheGivenClockInTheCLocale) {
    setenv("TZ", "UTC", 1);
    tzset();
    EXPECT_EQ(
        render("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%A %B %-d, %H:%M %p %j %y') }}"),
        "26 Jul 2024|Friday July 26, 12:00 PM 208 24");
}

TEST(Globals, RangeNamespaceAndDictWorkAsInTransformers) {
    EXPECT_EQ(render("{{ range(3)|list }}{{ range(1, 10, 3)|list }}{{ range(3, 0, -1)|list }}"
                     "{{ dict(a=1, b='x') }}{{ dict({'a': 1}, b=2) }}{{ namespace(a=1).a }}"),
              "[0, 1, 2][1, 4, 7][3, 2, 1]{'a': 1, 'b': 'x'}{'a': 1, 'b': 2}1");
    EXPECT_EQ(renderError("{{ range(200000)|length }}").detail(),
              "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
}

// ---- errors ----

TEST(Errors, SyntaxErrorsNameTheLineAsJinjaDoes) {
    const TemplateError unknown = renderError("line 1\n{% if true %}\n{% do x %}\n{% endif %}");
    EXPECT_EQ(unknown.kind(), TemplateErrorKind::Syntax);
    EXPECT_EQ(unknown.line(), 3);
    EXPECT_EQ(unknown.detail(),
              "Encountered unknown tag 'do'. Jinja was looking for the following tags: 'elif' or "
              "'else' or 'endif'.");
    EXPECT_EQ(renderError("a\n{{ 1 + }}").line(), 2);
    EXPECT_EQ(renderError("{% for x in y %}\n\nno end").kind(), TemplateErrorKind::Syntax);
    EXPECT_EQ(renderError("{{ x | nosuch }}").detail(), "No filter named 'nosuch'.");
    EXPECT_EQ(renderError("{# never closed").detail(), "Missing end of comment tag");
    EXPECT_EQ(renderError("{{ 'abc }}").kind(), TemplateErrorKind::Syntax);
}

TEST(Errors, ConstructsLadderDoesNotRenderAreNamedWithTheirLine) {
    const TemplateError include = renderError("x\n{% include 'other.jinja' %}");
    EXPECT_EQ(include.kind(), TemplateErrorKind::Unsupported);
    EXPECT_EQ(include.line(), 2);
    EXPECT_NE(std::string(include.what()).find("{% include %}"), std::string::npos);
    const TemplateError wrap = renderError("\n\n{{ 'text'|wordwrap(3) }}");
    EXPECT_EQ(wrap.kind(), TemplateErrorKind::Unsupported);
    EXPECT_EQ(wrap.line(), 3);
    EXPECT_NE(std::string(wrap.what()).find("the filter |wordwrap"), std::string::npos);
    EXPECT_EQ(renderError("{{ 'a'.zfill(3) }}").detail(), "the str method .zfill()");
    EXPECT_EQ(renderError("{% for x in y recursive %}{% endfor %}").kind(),
              TemplateErrorKind::Unsupported);
    EXPECT_EQ(renderError("{{ 2 ** 100 }}").kind(), TemplateErrorKind::Unsupported);
}

TEST(Errors, RuntimeErrorsNameTheLineTheyHappenOn) {
    const TemplateError e =
        renderError("{% for m in messages %}\n{{ m.content + 1 }}\n{% endfor %}",
                    R"({"messages": [{"content": "x"}]})");
    EXPECT_EQ(e.kind(), TemplateErrorKind::Runtime);
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.detail(), "can only concatenate str (not \"int\") to str");
}

}  // namespace
}  // namespace ladder::chat::test
