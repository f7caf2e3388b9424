"""1CClientBankExchange, the text statement that internet banks export for 1C (versions 1.01–1.03).

`parse(data, today) -> [Operation]`, every `СекцияДокумент` whatever its kind, in file order.
Encoding: a UTF-8 BOM, or bytes that are valid UTF-8 (banks save UTF-8 under «Кодировка=Windows»),
else `Кодировка` (DOS = cp866, anything else cp1251) — refused when the key «Кодировка» itself is
spelled in the other codec (a cp1251 file under «Кодировка=DOS»). CRLF or LF; keys match case-insensitively;
unknown keys are ignored. Amounts, INN/KPP/BIK/accounts and dates are checked strictly (operation.py):
a value that does not fit is refused with its line, never cut or guessed. The direction an operation gets here is what the statement's own accounts
(header and `СекцияРасчСчет`) say, FORMATS.md §A.7; the loader decides by the executors' accounts.

Speed: a bank writes every document of a statement with the same keys in the same order. The
first document of each such layout is read the careful way (section markers found with
`bytes.find`, the body made a dict of every line); its layout then becomes one compiled pattern
(`_Layout`) that matches the next documents of the file whole, from `СекцияДокумент=` to
`КонецДокумента`, and captures only the values we read. A document the pattern does not match
(another layout, a damaged line) is read the careful way, so both ways give the same operations
and the same errors (tests/imports/test_fuzz.py compares them). Python code runs per document,
not per line, and the file is never copied whole.
"""
import codecs
import gc
import re
from contextlib import contextmanager
from datetime import date
from operator import methodcaller

from app.domain.enums import N_, Direction
from app.errors import ImportFailed
from app.imports.operation import Operation, Side, amount, check_codes, check_date, code, digits_or_blank, failure

SIGNATURE = b"1CClientBankExchange"
REPLACEMENT = "\ufffd"
DOCUMENT, DOCUMENT_END = "СекцияДокумент", "КонецДокумента"
ACCOUNTS, ACCOUNTS_END = "СекцияРасчСчет", "КонецРасчСчет"
FILE_END = "КонецФайла"
MARKERS = (DOCUMENT, DOCUMENT_END, ACCOUNTS, ACCOUNTS_END, FILE_END)
ACCOUNT = "РасчСчет"
PURPOSE_LINES = tuple(f"НазначениеПлатежа{i}" for i in range(1, 7))
# name, INN, composite «ИНН … name», KPP, settlement account, account, BIK, bank: the keys of one side
_SIDE_KEYS = {side: tuple(side + key for key in ("1", "ИНН", "", "КПП", "РасчСчет", "Счет", "БИК", "Банк1"))
              for side in ("Плательщик", "Получатель")}
DOCUMENT_KEYS = ("Номер", "Дата", "Сумма", "ДатаСписано", "ДатаПоступило", "НазначениеПлатежа", *PURPOSE_LINES,
                 *(key for keys in _SIDE_KEYS.values() for key in keys))
_FOLDED = {key.casefold(): key for key in DOCUMENT_KEYS}
_OURS = frozenset(DOCUMENT_KEYS)
_SPLIT = methodcaller("split", "=", 1)

_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", re.ASCII)
# «ИНН 7707083893 ООО "Ромашка"», «ИНН 644914186741/0  ИП Иванов», «7777777777, ООО "…"» (FORMATS.md §A.8)
_INN_PREFIX = re.compile(r"^\s*(?:ИНН\s*)?(\d{10}|\d{12})(?:/\d*)?[\s,]+", re.IGNORECASE)
_KEY_CP1251 = "Кодировка".encode("cp1251")
_DECLARED = re.compile(rb"^(" + re.escape(_KEY_CP1251) + rb"|" + re.escape("Кодировка".encode("cp866")) + rb")=[ \t]*(\S*)", re.M)
_CODEC_NAMES = {"cp866": "DOS (cp866)", "cp1251": "Windows (cp1251)"}
_UNDEFINED = {codec: bytes(b for b in range(256) if bytes((b,)).decode(codec, "replace") == REPLACEMENT)
              for codec in _CODEC_NAMES}
MAX_LAYOUTS = 8  # document layouts learned per file; documents of further ones are read the careful way
# A line's value as the careful way reads it: all up to its "\n" (a CR before it is stripped with the rest).
_VALUE, _SKIPPED = rb"=([^\n]*+)\n", rb"=[^\n]*+\n"


def encoding_of(data):
    """The codec of `data` (without its BOM): UTF-8 when the bytes are UTF-8, else the declared one —
    which must be the codec the key «Кодировка» itself is spelled in."""
    head = data[:65536]
    try:
        codecs.utf_8_decode(head, "strict", False)  # not final: a character cut at 64 KiB is fine
        if not head.isascii():
            return "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.search(head)  # «Кодировка=» spelled in cp1251 or cp866
    if declared is None:
        return "cp1251"
    codec = "cp866" if declared.group(2).strip().lower() == b"dos" else "cp1251"
    spelled = "cp1251" if declared.group(1) == _KEY_CP1251 else "cp866"
    if spelled != codec:
        raise failure(data.count(b"\n", 0, declared.start()) + 1, N_(
            "Кодировка файла не совпадает с заголовком Кодировка=%(declared)s: текст в кодировке %(actual)s. Выгрузите "
            "выписку из банка заново или исправьте заголовок на «Кодировка=%(fix)s».") % {
            "declared": declared.group(2).decode(spelled, "replace"), "actual": _CODEC_NAMES[spelled],
            "fix": "DOS" if spelled == "cp866" else "Windows"})
    return codec


def parse(data: bytes, today) -> list[Operation]:
    """The operations of a statement; `today` bounds its dates (at most a year ahead)."""
    with _gc_paused():
        return [operation for batch in _Reader(*_opened(data), today).read() for operation in batch]


class Batches:
    """A statement's operations in lists of at most `size`, in file order, for a file too big to hold
    parsed whole; it can be iterated more than once, reading the file again each time. Before its first
    batch it reads the whole file once, for its errors (the same as `parse`'s, the first in the file
    first) and for the statement's own accounts, which every operation's direction needs."""

    def __init__(self, data, today, size):
        self.opened = _opened(data)
        self.today, self.size, self.own = today, size, None

    def __iter__(self):
        if self.own is None:
            reader = _Reader(*self.opened, self.today)
            for _ in _each_gc_paused(reader.read(self.size)):
                pass  # its batches are dropped: their directions may lack accounts declared later
            self.own = reader.own
        return _each_gc_paused(_Reader(*self.opened, self.today, self.own).read(self.size))


@contextmanager
def _gc_paused():
    """The cyclic garbage collector paused while a statement is read: reading allocates an object or
    two per document and makes no cycles, yet every 700 allocations the collector walks the young
    objects and, ever more often as the operations pile up, the old ones (a quarter of the time of
    a 50 MB statement). Process-wide, as Mercurial's `nogc`: another thread meanwhile only
    collects later; it is switched back on only if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _each_gc_paused(batches):
    """The batches of a reading, each read with the collector paused (on while the caller works)."""
    while True:
        with _gc_paused():
            batch = next(batches, None)
        if batch is None:
            return
        yield batch


def _opened(data):
    """The statement's bytes (without a BOM), codec and whether the whole file decodes (`_decodes`),
    once its first line and encoding are checked."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    newline = data.find(b"\n")
    if data[:newline if newline != -1 else len(data)].strip() != SIGNATURE:
        raise ImportFailed(N_("Это не выписка 1С: первая строка файла должна быть «1CClientBankExchange»."))
    codec = encoding_of(data)
    broken = data.find(REPLACEMENT.encode()) if codec == "utf-8" else -1
    if broken >= 0:
        raise failure(data.count(b"\n", 0, broken) + 1, N_(
            "файл в испорченной кодировке: русские буквы заменены знаком «�». Выгрузите выписку из банка заново."))
    return data, codec, _decodes(data, codec)


class _Reader:
    def __init__(self, data, codec, decodes, today, own=()):
        self.data, self.codec, self.today = data, codec, today
        # Any marker word at a line's start: one search finds the nearest (no word begins another).
        self.markers = re.compile(b"\n(" + b"|".join(re.escape(name.encode(codec)) for name in MARKERS) + b")").search
        self.marker_names = {name.encode(codec): name for name in MARKERS}
        self.line_pos, self.line_no = 0, 1  # a known line start and its number
        self.own = set(own)  # the statement's own accounts (all of them when given)
        self.operations, self.hints = [], []
        self.seen = set(DOCUMENT_KEYS)  # keys met so far
        self.aliases = {}  # key as spelled in this file -> our spelling, when the letter case differs
        self.dates = {}
        self.sides, self.strings = {}, {}
        self.layouts = []  # _Layout of documents read so far; none when a part of the file does not decode
        self.learning = decodes

    def line_at(self, pos):
        """The line number of a position at or after the last one asked (counted incrementally)."""
        self.line_no += self.data.count(b"\n", self.line_pos, pos)
        self.line_pos = pos
        return self.line_no

    def marker(self, pos):
        """The next marker line at or after `pos`: (name, start of its line, end of the word)."""
        data = self.data
        found = self.markers(data, pos)
        while found is not None:
            name = self.marker_names[found.group(1)]
            if _whole_line(data, found.end(), name == DOCUMENT):
                return name, found.start() + 1, found.end()
            found = self.markers(data, found.start() + 1)
        return None

    def read(self, size=None):
        """Generator: the operations in file order, in lists of `size` (None: one list, at the end)."""
        data = self.data
        pos = data.find(b"\n")
        section, start = None, pos
        while True:
            if section is None and self.layouts:
                pos = start = yield from self.documents(pos, size)
            found = self.marker(pos) if pos != -1 else None
            if found is None:
                break
            name, at, word_end = found
            line_end = data.find(b"\n", word_end)
            line_end = len(data) if line_end == -1 else line_end
            if section is None:
                self.header(data[start:at], start)
                if name == DOCUMENT:
                    section, start, kind = DOCUMENT, line_end + 1, self.text(data[word_end:line_end], at).partition("=")[2]
                    doc_line = self.line_at(at)
                elif name == ACCOUNTS:
                    section, start = ACCOUNTS, line_end + 1
                elif name == FILE_END:
                    rest = data[line_end:]
                    if rest.strip():
                        raise failure(self.line_at(line_end + 1 + len(rest) - len(rest.lstrip())),
                                      N_("после «КонецФайла» не должно быть данных."))
                    yield self.take()
                    return
                else:
                    raise failure(self.line_at(at), N_("конец раздела без его начала."))
            elif section is DOCUMENT:
                if name != DOCUMENT_END:
                    raise failure(self.line_at(at), N_("документ со строки %(start)s не закончен строкой «КонецДокумента».")
                                  % {"start": doc_line})
                self.document(data[start:at - 1], start, kind, doc_line)
                self.learn(start, at)
                section, start = None, line_end
                if size and len(self.operations) >= size:
                    yield self.take()
            else:  # ACCOUNTS
                if name != ACCOUNTS_END:
                    raise failure(self.line_at(at), N_("раздел «СекцияРасчСчет» не закончен строкой «КонецРасчСчет»."))
                self.accounts(data[start:at], start)
                section, start = None, line_end
            pos = line_end
        end = len(data)
        while end and data[end - 1] in b" \t\r\n\x0b\x0c":  # (data.rstrip() would copy the file)
            end -= 1
        last = self.line_at(end)
        if section is DOCUMENT:
            raise failure(last, N_("файл обрезан: документ со строки %(start)s не закончен.") % {"start": doc_line})
        raise failure(last, N_("файл обрезан: нет строки «КонецФайла»."))

    def documents(self, pos, size):
        """Generator: every document from the line after `pos` on that a learned layout matches whole,
        its operations in batches as `read`'s; returns where the last one's `КонецДокумента` line ends
        (`pos` when none matched)."""
        data, layouts, codec = self.data, self.layouts, self.codec
        line = self.line_at(pos) + 1  # `pos` ends a line: the number of the next one
        while True:
            for layout in layouts:
                found = layout.match(data, pos + 1)
                if found is not None:
                    break
            else:
                self.line_pos, self.line_no = pos, line - 1  # `pos` ends the last КонецДокумента line read
                return pos
            values = iter(b"\n".join(found.groups()).decode(codec).split("\n"))
            kind = next(values).strip()
            self.add(dict(zip(layout.names, map(str.strip, values))), kind, line)
            pos, line = found.end() - 1, line + layout.lines
            if size and len(self.operations) >= size:
                yield self.take()

    def learn(self, body, end):
        """After a document read the careful way (its body from `body` to its `КонецДокумента` line at
        `end`): its layout, for the documents after it."""
        if self.learning and len(self.layouts) < MAX_LAYOUTS:
            layout = _Layout.of(self.data[body:end - 1], self.codec)
            if layout is not None and all(known.keys != layout.keys for known in self.layouts):
                self.layouts.append(layout)

    def take(self):
        """The operations read since the last batch, with their directions from the statement's accounts
        (all known by now when they were given, or at the end of the file). The parties and strings
        shared within a batch are forgotten with it, so that memory stays that of one batch."""
        operations, hints = self.operations, self.hints
        self.operations, self.hints = [], []
        self.sides.clear()
        self.strings.clear()
        self.own.discard("")
        declared = tuple(sorted(self.own))  # one tuple for every operation the accounts do not place
        for operation, hint in zip(operations, hints):
            operation.accounts = declared
            operation.direction = self.direction(operation, *hint)
        return operations

    def text(self, chunk, pos):
        try:
            return chunk.decode(self.codec)
        except UnicodeDecodeError as error:
            raise failure(self.line_at(pos + error.start), N_("текст не в кодировке %(codec)s: файл испорчен или склеен "
                                                              "из разных файлов.") % {"codec": self.codec}) from None

    def pairs(self, chunk, pos, numbered=False):
        """(key in our spelling, value) of each line of a chunk; a non-blank line without «=» is an error.
        `numbered`: (line's index in the chunk, (key, value)) instead."""
        result = []
        for n, line in enumerate(self.text(chunk, pos).split("\n")):
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise failure(self.line_at(pos) + n, N_("ожидалась строка вида «Ключ=Значение»:"), f"«{line.strip()[:80]}»")
            key = key.strip()
            pair = (_FOLDED.get(key.casefold(), ACCOUNT if key.casefold() == "расчсчет" else key), value)
            result.append((n, pair) if numbered else pair)
        return result

    def header(self, chunk, pos):
        """The header and whatever stands between sections: only the statement's accounts matter."""
        if chunk.strip():
            self.accounts(chunk, pos)

    def accounts(self, chunk, pos):
        """The statement's own accounts (`РасчСчет=`) of a header or `СекцияРасчСчет`."""
        first = self.line_at(pos)
        for n, (key, value) in self.pairs(chunk, pos, numbered=True):
            if key == ACCOUNT:
                self.own.add(code("account", _account(value.strip()), first + n, ACCOUNT))

    def document(self, body, pos, kind, line):
        try:
            raw = dict(map(_SPLIT, self.text(body, pos).split("\n")))
        except ValueError:  # a blank line or one without «=»: the careful way, which names the line
            raw = dict(self.pairs(body, pos))
        fields = dict(zip(raw.keys(), map(str.strip, raw.values())))
        if not self.seen.issuperset(fields):  # a key spelled in a new way: learn once whether it is one of ours
            for key in fields.keys() - self.seen:
                self.seen.add(key)
                ours = _FOLDED.get(key.strip().casefold())
                if ours and ours != key:
                    self.aliases[key] = ours
        for spelled, ours in self.aliases.items():
            if spelled in fields:
                fields.setdefault(ours, fields[spelled])
        kind = kind.strip()
        self.add(fields, kind, line)

    def add(self, fields, kind, line):
        kind = self.strings.setdefault(kind, kind)  # one string per kind: a statement has a few
        get = fields.get
        when, total = get("Дата"), get("Сумма")
        if not total:
            raise failure(line, N_("у документа нет суммы («Сумма=»)."))
        if not when:
            raise failure(line, N_("у документа нет даты («Дата=»)."))
        payer, recipient = self.side(get, "Плательщик", line), self.side(get, "Получатель", line)
        if not payer.account and not recipient.account:
            raise failure(line, N_("у документа нет ни счёта плательщика, ни счёта получателя."))
        purpose = get("НазначениеПлатежа") or " ".join(filter(None, (get(key) for key in PURPOSE_LINES)))
        # positional (line, kind, date, number, amount, payer, recipient, purpose): half the cost of keywords
        self.operations.append(Operation(line, kind, self.date(when, line), get("Номер", ""), amount(total, line),
                                         payer, recipient, purpose))
        # The direction waits until every account of the statement is known (a header may list them late).
        self.hints.append((_other(get("ПлательщикСчет", ""), payer.account), _other(get("ПолучательСчет", ""), recipient.account),
                           bool(get("ДатаПоступило")), bool(get("ДатаСписано"))))

    def side(self, get, prefix, line):
        """Payer or recipient; one object per distinct party (our side is the same in every document), and
        one string per distinct value, so that a big statement stays small in memory."""
        name_key, inn_key, composite_key, kpp_key, settlement_key, account_key, bik_key, bank_key = _SIDE_KEYS[prefix]
        name, inn = get(name_key), digits_or_blank(get(inn_key))
        if not name or not inn:  # the composite «ИНН 7707083893 ООО "Ромашка"» fills in what is missing
            composite = get(composite_key, "")
            found = _INN_PREFIX.match(composite)
            if found:
                composite = composite[found.end():].strip()
                inn = inn or found.group(1)
            name = name or composite
        same, kpp, bik, bank = self.strings.setdefault, digits_or_blank(get(kpp_key)), get(bik_key, ""), get(bank_key, "")
        key = (same(name, name), same(inn, inn), same(kpp, kpp), _account(get(settlement_key) or get(account_key, "")),
               same(bik, bik), same(bank, bank))
        side = self.sides.get(key)
        if side is None:  # a new party: its codes are checked once, at the first document naming it
            side = self.sides[key] = check_codes(Side(*key), line, lambda kind: prefix + _CODE_KEYS[kind])
        return side

    def date(self, text, line):
        known = self.dates.get(text)
        if known is None:
            known = self.dates[text] = check_date(_date(text, line), line, self.today, "Дата")
        return known

    def direction(self, operation, payer_other, recipient_other, received, written_off):
        own = self.own
        to_us = operation.recipient.account in own or recipient_other in own
        from_us = operation.payer.account in own or payer_other in own
        known = to_us or from_us
        if to_us == from_us:  # neither side (or both) is the statement's account: the bank's dates tell
            to_us, from_us = received and not written_off, written_off and not received
        if known and to_us != from_us:  # the statement's account on the side the money moved to or from
            ours, other = (operation.recipient.account, recipient_other) if to_us else (operation.payer.account, payer_other)
            operation.accounts = (ours if ours in own else other,)
        return Direction.INCOMING.value if to_us else Direction.OUTGOING.value if from_us else None


_CODE_KEYS = {"inn": "ИНН", "kpp": "КПП", "bik": "БИК", "account": "РасчСчет"}


class _Layout:
    """The keys of a document in their order, as a pattern matching such a document whole from its
    `СекцияДокумент=` line through its `КонецДокумента` line and capturing the kind and the values
    of our keys (`names`). A document it matches gives the dict the careful way gives (a value
    holds no line break; the codec's whole-file check ruled out undecodable bytes)."""

    def __init__(self, keys, names, pattern):
        self.keys, self.names, self.match = keys, names, pattern.match
        self.lines = len(keys) + 2  # with the СекцияДокумент and КонецДокумента lines

    @classmethod
    def of(cls, body, codec):
        """The layout of a document body; None unless every line is «key=value», our keys are spelled
        our way and each occurs once (other documents keep the careful way)."""
        keys, names = [], []
        parts = [re.escape(DOCUMENT.encode(codec)) + _VALUE]
        for line in body.split(b"\n"):
            key, sep, _ = line.partition(b"=")
            if not sep:
                return None
            text = key.decode(codec)
            if text in _OURS:
                if text in names:
                    return None
                names.append(text)
                parts.append(re.escape(key) + _VALUE)
            elif _FOLDED.get(text.strip().casefold()):
                return None
            else:
                parts.append(re.escape(key) + _SKIPPED)
            keys.append(key)
        parts.append(re.escape(DOCUMENT_END.encode(codec)) + rb"\r?\n")
        return cls(tuple(keys), tuple(names), re.compile(b"".join(parts)))


def _decodes(data, codec):
    """Does the whole file decode? (Only then may a layout decode just the values it captures.)"""
    if codec in _UNDEFINED:  # a single-byte codec: none of the bytes it has no letter for
        return not any(byte in data for byte in _UNDEFINED[codec])
    decoder, view, step = codecs.getincrementaldecoder(codec)(), memoryview(data), 1 << 22
    try:
        for at in range(0, len(view), step):
            decoder.decode(view[at:at + step])
        decoder.decode(b"", True)
    except UnicodeDecodeError:
        return False
    return True


def _whole_line(data, pos, may_have_value):
    """Is the marker word ending at `pos` its line's only content (`СекцияДокумент` goes on with «=вид»)?"""
    end = data.find(b"\n", pos)
    rest = data[pos:len(data) if end == -1 else end].strip()
    return not rest or (may_have_value and rest.startswith(b"="))


def _other(account, settlement):
    """`…Счет` where it differs from `…РасчСчет` (indirect settlements), else "" (kept per document: small)."""
    account = _account(account)
    return "" if account == settlement else account


def _account(text):
    return text.replace(" ", "").strip() if " " in text else text


def _date(text, line):
    found = _DATE.fullmatch(text)
    try:
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    except ValueError:
        pass
    raise failure(line, N_("дата документа не в формате ДД.ММ.ГГГГ:"), f"«{text}»")
