"""The scheduled export to 1C (Настройки → «Экспорт в 1С»): its settings, and which period is
due on a day. Monthly on day N: the previous calendar month, from day N of the month on;
weekly on weekday N (1 = Monday): the previous week, Monday to Sunday, from that weekday on.
A night missed is caught up by the next one; each period of each executor is exported once
(the key of `due` is unique on export_run)."""
import json
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from app.domain import settings, validation
from app.domain.enums import N_
from app.domain.proration import add_months
from app.errors import ValidationFailed

KEY = "export_1c.schedule"
OFF, MONTHLY, WEEKLY = "off", "monthly", "weekly"
PERIODICITIES = [(OFF, N_("Не выгружать")), (MONTHLY, N_("Ежемесячно за прошлый месяц")),
                 (WEEKLY, N_("Еженедельно за прошлую неделю"))]
MAX_MONTH_DAY = 28  # every month has it


@dataclass
class Schedule:
    periodicity: str = OFF
    day: int = 1  # day of the month (monthly) or of the week, 1 = Monday (weekly)
    executor_ids: list = field(default_factory=list)
    email: str = ""


@dataclass(frozen=True)
class Due:
    start: object
    end: object
    key_prefix: str

    def key(self, executor_id):
        return f"{self.key_prefix}:{executor_id}"


def load(session):
    raw = settings.get(session, KEY)
    if not raw:
        return Schedule()
    data = json.loads(raw)
    return Schedule(periodicity=data.get("periodicity", OFF), day=int(data.get("day") or 1),
                    executor_ids=[int(i) for i in data.get("executor_ids") or []], email=data.get("email") or "")


def problems(schedule):
    """{field: [message]} of what is wrong with the settings ({} when they may be saved)."""
    errors = {}
    if schedule.periodicity not in {value for value, _ in PERIODICITIES}:
        errors["periodicity"] = [N_("Выберите периодичность")]
    if schedule.periodicity == OFF:
        return errors
    limit = MAX_MONTH_DAY if schedule.periodicity == MONTHLY else 7
    if not 1 <= (schedule.day or 0) <= limit:
        errors["day"] = [N_("День выгрузки: число от 1 до 28 (день месяца)") if schedule.periodicity == MONTHLY
                         else N_("День выгрузки: число от 1 (понедельник) до 7 (воскресенье)")]
    if not schedule.executor_ids:
        errors["executor_ids"] = [N_("Выберите хотя бы одного исполнителя: выгрузка делается по каждому отдельно")]
    if not (schedule.email or "").strip():
        errors["email"] = [N_("Укажите адрес, на который отправлять файл выгрузки")]
    elif validation.email(schedule.email, None):
        errors["email"] = [validation.email(schedule.email, None)]
    return errors


def save(session, schedule):
    errors = problems(schedule)
    if errors:
        raise ValidationFailed(errors)
    schedule.email = (schedule.email or "").strip()
    settings.put(session, KEY, json.dumps(asdict(schedule), ensure_ascii=False))


def due(schedule, day):
    """The period the schedule exports on `day` (None: nothing due yet, or switched off)."""
    if schedule.periodicity == MONTHLY and day.day >= schedule.day:
        end = day.replace(day=1) - timedelta(days=1)
        return Due(add_months(day.replace(day=1), -1), end, f"monthly:{end:%Y-%m}")
    if schedule.periodicity == WEEKLY and day.isoweekday() >= schedule.day:
        monday = day - timedelta(days=day.weekday() + 7)
        return Due(monday, monday + timedelta(days=6), f"weekly:{monday.isoformat()}")
    return None
