"""Builders of 1CClientBankExchange statements (bytes) for tests and the benchmark, shaped like
Sber Business Online's export (FORMATS.md §A.9): every common key, budget keys present and empty."""
from datetime import date

OURS = dict(name='ООО "БИЗНЕС-ЦЕНТР"', inn="7701234564", kpp="770101001", account="40702810938000012345",
            bik="044525225", bank="ПАО СБЕРБАНК")
TENANT = dict(name='ООО "АРЕНДАТОР"', inn="7709876543", kpp="770901001", account="40702810400000004583",
              bik="044525593", bank='АО "АЛЬФА-БАНК"')


def _side(prefix, party, moved):
    return [
        f"{prefix}Счет={party['account']}",
        *moved,
        f"{prefix}=ИНН {party['inn']} {party['name']}",
        f"{prefix}ИНН={party['inn']}",
        f"{prefix}КПП={party.get('kpp', '')}",
        f"{prefix}1={party['name']}",
        f"{prefix}РасчСчет={party['account']}",
        f"{prefix}Банк1={party.get('bank', '')}",
        f"{prefix}Банк2=г. Москва",
        f"{prefix}БИК={party.get('bik', '')}",
        f"{prefix}Корсчет=30101810400000000225",
    ]


def document(number, day, amount, payer, recipient, purpose, kind="Платежное поручение", incoming=True):
    when = f"{day:%d.%m.%Y}"
    return [
        f"СекцияДокумент={kind}", f"Номер={number}", f"Дата={when}", f"Сумма={amount}",
        *_side("Плательщик", payer, [f"ДатаСписано={'' if incoming else when}"]),
        *_side("Получатель", recipient, [f"ДатаПоступило={when if incoming else ''}"]),
        "ВидПлатежа=электронно", "ВидОплаты=01", "Код=0", "СтатусСоставителя=", "ПоказательКБК=", "ОКАТО=",
        "ПоказательОснования=", "ПоказательПериода=", "ПоказательНомера=", "ПоказательДаты=", "ПоказательТипа=",
        "Очередность=5", f"НазначениеПлатежа={purpose}", "КонецДокумента",
    ]


def own_account(documents):
    """A statement's account as a bank writes it: the side of its first document that our money moved on
    (the recipient's when it has «ДатаПоступило», else the payer's)."""
    for lines in documents:
        fields = dict(line.split("=", 1) for line in lines if "=" in line)
        return fields.get("ПолучательРасчСчет" if fields.get("ДатаПоступило") else "ПлательщикРасчСчет", "")
    return OURS["account"]


def statement(documents, account=None, start=date(2026, 2, 1), end=date(2026, 2, 28), codec="cp1251",
              newline="\r\n", encoding_name="Windows", version="1.03"):
    """A whole file: `documents` are lists of lines from `document()`; `account`: the statement's own
    (by default that of its first document, `own_account`; "" for a statement that names none)."""
    account = own_account(documents) if account is None else account
    lines = [
        "1CClientBankExchange", f"ВерсияФормата={version}", f"Кодировка={encoding_name}",
        "Отправитель=Сбербанк Бизнес Онлайн", "Получатель=", f"ДатаСоздания={end:%d.%m.%Y}", "ВремяСоздания=09:15:02",
        f"ДатаНачала={start:%d.%m.%Y}", f"ДатаКонца={end:%d.%m.%Y}", f"РасчСчет={account}",
        "СекцияРасчСчет", f"ДатаНачала={start:%d.%m.%Y}", f"ДатаКонца={end:%d.%m.%Y}", "НачальныйОстаток=0.00",
        f"РасчСчет={account}", "ВсегоСписано=0.00", "ВсегоПоступило=0.00", "КонечныйОстаток=0.00", "КонецРасчСчет",
    ]
    for lines_of_document in documents:
        lines.extend(lines_of_document)
    lines.append("КонецФайла")
    return (newline.join(lines) + newline).encode(codec)
