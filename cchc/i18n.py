"""Vietnamese for the words click itself prints: help headings, its own options' help, usage errors.

Click marks its texts for translation with `from gettext import gettext as _` (and `ngettext`) in each
of its modules, and looks those names up when it formats a text. `install()` rebinds them, in the
click modules that print to a user, to a translations object that knows the Vietnamese below; a text
it does not know stays as click wrote it. Python's process-wide gettext domain is left alone, so other
libraries are not affected.

Call `install()` before declaring commands: click translates a few texts (the --version option's help)
when an option is declared, the rest when it prints them. The keys are click's own texts, verbatim;
tests/test_cli.py checks that each one is still a text the installed click asks to translate.
"""

from __future__ import annotations

import gettext
import importlib

# The click modules whose texts reach a user of `cchc` (help pages, usage errors, prompts, the abort line).
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
                 "click.termui", "click.types")  # fmt: skip

MESSAGES = {
    # Help pages.
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "env var: {var}": "biến môi trường: {var}",
    "default: {default}": "mặc định: {default}",
    "(dynamic)": "(tính khi chạy)",
    "required": "bắt buộc",
    # Usage errors: "Error: ..." after the usage line and the "Try ... for help." hint.
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Gõ '{command} {option}' để xem hướng dẫn.",
    "Aborted!": "Đã hủy!",
    "Missing command.": "Thiếu lệnh.",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Đối số {name!r} nhận {nargs} giá trị.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Value must be an iterable.": "Giá trị phải là một dãy.",
    # Parameter types' complaints. A path's kind (file/directory/path) is also its metavar (FILE, PATH), so it
    # stays untranslated and the path messages below leave it out: the file name and the verdict say it all.
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải số hợp lệ.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} không phải giá trị đúng/sai hợp lệ. Các giá trị được nhận: {states}"
    ),
    "{value!r} is not a valid UUID.": "{value!r} không phải UUID hợp lệ.",
    "{name} {filename!r} does not exist.": "{filename!r} không tồn tại.",
    "{name} {filename!r} is a file.": "{filename!r} là một tệp, không phải thư mục.",
    "{name} {filename!r} is a directory.": "{filename!r} là một thư mục, không phải tệp.",
    "{name} {filename!r} is not readable.": "{filename!r} không đọc được (không có quyền đọc).",
    "{name} {filename!r} is not writable.": "{filename!r} không ghi được (không có quyền ghi).",
    "{name} {filename!r} is not executable.": "{filename!r} không chạy được (không có quyền chạy).",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    # Prompts (`cchc users add` asks for a password twice; `cchc label` reads answers).
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không khớp nhau.",
    "Error: invalid input": "Lỗi: dữ liệu nhập không hợp lệ",
}

# ngettext texts: (singular, plural) -> the Vietnamese for one and for several. Vietnamese nouns do not
# inflect, but click words the two cases differently (a question against a list), so both are kept.
PLURAL_MESSAGES = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Có phải ý bạn là {possibility}?",
        "(Có phải ý bạn là một trong: {possibilities}?)",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} không phải {choice}.",
        "{value!r} không thuộc các giá trị {choices}.",
    ),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Thừa đối số ({args})",
        "Thừa các đối số ({args})",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Tùy chọn {name!r} cần một giá trị.",
        "Tùy chọn {name!r} cần {nargs} giá trị.",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Cần {nargs} giá trị nhưng chỉ có 1.",
        "Cần {nargs} giá trị nhưng có {len}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} không đúng định dạng {format}.",
        "{value!r} không đúng định dạng nào trong {formats}.",
    ),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."): (
        "Cần {len_type} giá trị, nhưng có {len_value}.",
        "Cần {len_type} giá trị, nhưng có {len_value}.",
    ),
}  # fmt: skip


class VietnameseClick(gettext.NullTranslations):
    """Click's texts in Vietnamese; a text not in the catalog is returned unchanged."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        one, several = PLURAL_MESSAGES.get((msgid1, msgid2), (msgid1, msgid2))
        return one if n == 1 else several


def install() -> None:
    """Make click speak Vietnamese in this process (repeatable)."""
    translations = VietnameseClick()
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = translations.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = translations.ngettext
