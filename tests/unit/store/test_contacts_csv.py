"""Contact CSV parsing: delimiter and header detection, per-row validation with row numbers."""

from __future__ import annotations

from ivrd.store.contacts_csv import RowError, parse_contacts


def parse(text: str) -> list[object]:
    return list(parse_contacts(text.splitlines(keepends=True)))


def test_pipe_separated_positional_rows() -> None:
    rows = parse('+33123|Doe|John|j@x.org|vip|0|1 rue|Paris|IDF|fr|4B|{"age": 40}\n5551234\n')
    assert rows[0] == (
        1,
        ("+33123", 0, "Doe", "John", "j@x.org", "1 rue", "Paris", "IDF", "FR", "4B", '{"age": 40}', "vip"),
    )
    assert rows[1] == (2, ("5551234", 1, "", "", "", "", "", "", "", "", "{}", ""))


def test_comma_separated_with_header_in_any_order() -> None:
    rows = parse('first_name,contact,additional_vars\nAnn,123w45,"{""a"": ""b,c""}"\n\nBob,*99#,\n')
    assert rows == [
        (2, ("123w45", 1, "", "Ann", "", "", "", "", "", "", '{"a": "b,c"}', "")),
        (4, ("*99#", 1, "", "Bob", "", "", "", "", "", "", "{}", "")),
    ]


def test_bytes_lines_with_bom() -> None:
    rows = list(parse_contacts([b"\xef\xbb\xbfcontact|first_name\n", "1|Zo\xe9\n".encode()]))
    assert rows == [(2, ("1", 1, "", "Zo\xe9", "", "", "", "", "", "", "{}", ""))]


def test_each_bad_row_is_reported_with_its_number_and_field() -> None:
    text = "\n".join(
        [
            "contact|last_name|first_name|email|description|status|address|city|state|country",
            "12 34",
            "",
            "555|a|b|not-an-email",
            "555|a|b||d|2",
            "555|a|b||d|1|||||",
            "555|a|b||d|1||||FRA",
            "abc",
            "555|" + "x" * 121,
            "777",
        ]
    )
    rows = parse(text)
    errors = [r for r in rows if isinstance(r, RowError)]
    assert [(e.row, e.field) for e in errors] == [
        (2, "contact"),
        (4, "email"),
        (5, "status"),
        (6, "row"),
        (7, "country"),
        (8, "contact"),
        (9, "last_name"),
    ]
    assert rows[-1] == (10, ("777", 1, "", "", "", "", "", "", "", "", "{}", ""))


def test_additional_vars_must_be_a_json_object() -> None:
    rows = parse("1|||||||||||[1, 2]\n2|||||||||||{bad\n3|||||||||||{}\n")
    assert [(r.row, r.field, r.message) for r in rows if isinstance(r, RowError)] == [
        (1, "additional_vars", "must be a JSON object"),
        (2, "additional_vars", "not valid JSON"),
    ]
    assert rows[2] == (3, ("3", 1, "", "", "", "", "", "", "", "", "{}", ""))


def test_unknown_header_column_is_refused() -> None:
    assert parse("contact,phone_type\n1,mobile\n") == [RowError(1, "phone_type", "unknown column")]


def test_invalid_utf8_is_a_row_error() -> None:
    rows = list(parse_contacts([b"1|ok\n", b"2|\xff\xfe\n"]))
    assert isinstance(rows[1], RowError) and rows[1].row == 2 and "UTF-8" in rows[1].message


def test_empty_input() -> None:
    assert parse("") == []


def test_crlf_lines_and_quoted_newlines() -> None:
    rows = list(parse_contacts([b"contact,first_name\r\n", b'123,"Multi\r\n', b'line"\r\n', b"456,B"]))
    assert rows[0] == (3, ("123", 1, "", "Multi\r\nline", "", "", "", "", "", "", "{}", ""))
    assert rows[1] == (4, ("456", 1, "", "B", "", "", "", "", "", "", "{}", ""))
