"""Объекты: buildings (with photos and today's occupancy), sections, floors, rooms."""
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _

from app import permissions as P
from app.domain.enums import FeedMode, RoomKind
from app.domain.occupancy import building_occupancy, occupied_room_ids
from app.models import Building, BuildingPhoto, Floor, Room, Section
from app.timeutil import today
from app.views.base import ArendaModelView
from app.views.formatters import area, enum_label, money, yes_no

OCCUPIED, FREE = _("Занято"), _("Свободно")


class RoomInterface(SQLAInterface):
    """Room queries annotate each row with today's occupancy in one extra query per page."""

    def query(self, *args, **kwargs):
        count, items = super().query(*args, **kwargs)
        self.annotate(items)
        return count, items

    def annotate(self, items):
        """Each room's occupancy today, in one query (the list page and its Excel export)."""
        busy = occupied_room_ids(self.session, today(), [room.id for room in items])
        for room in items:
            room.occupancy = "—" if room.kind == RoomKind.SERVICE.value else OCCUPIED if room.id in busy else FREE

    def get_related_interface(self, col_name):
        return SQLAInterface(self.get_related_model(col_name))


class BuildingPhotoView(ArendaModelView):
    datamodel = SQLAInterface(BuildingPhoto)
    class_permission_name = P.RESOURCE_BUILDING
    list_title = show_title = _("Фотографии")
    add_title = _("Добавить фотографию")
    edit_title = _("Изменить фотографию")
    list_columns = ["photo_img_thumbnail", "caption"]
    label_columns = {"photo_img_thumbnail": _("Фото")}
    add_columns = edit_columns = ["building", "photo", "caption"]


class RoomView(ArendaModelView):
    datamodel = RoomInterface(Room)
    class_permission_name = P.RESOURCE_ROOM
    entity = "room"
    list_title = _("Помещения")
    show_title = _("Помещение")
    add_title = _("Новое помещение")
    edit_title = _("Изменить помещение")
    list_columns = ["floor.building.name", "floor.number", "number", "kind", "area", "rent_rate", "occupancy"]
    label_columns = {"floor.building.name": _("Здание"), "floor.number": _("Этаж")}
    search_columns = ["floor", "number", "kind", "area", "rent_rate"]
    add_columns = edit_columns = ["floor", "number", "kind", "area", "rent_rate", "description"]
    show_columns = ["floor", "number", "kind", "area", "rent_rate", "description", "occupancy"]
    order_columns = ["number", "kind", "area", "rent_rate"]
    formatters_columns = {"kind": enum_label(RoomKind), "area": area, "rent_rate": money}


class FloorView(ArendaModelView):
    datamodel = SQLAInterface(Floor)
    class_permission_name = P.RESOURCE_FLOOR
    list_title = _("Этажи")
    show_title = _("Этаж")
    add_title = _("Новый этаж")
    edit_title = _("Изменить этаж")
    related_views = [RoomView]
    list_columns = ["building.name", "section.name", "number", "in_feed", "feed_mode"]
    search_columns = ["building", "section", "number", "in_feed", "feed_mode"]
    add_columns = edit_columns = show_columns = ["building", "section", "number", "in_feed", "feed_mode"]
    order_columns = ["number", "in_feed", "feed_mode"]
    base_order = ("number", "asc")
    formatters_columns = {"in_feed": yes_no, "feed_mode": enum_label(FeedMode)}


class SectionView(ArendaModelView):
    datamodel = SQLAInterface(Section)
    class_permission_name = P.RESOURCE_SECTION
    list_title = _("Секции")
    show_title = _("Секция")
    add_title = _("Новая секция")
    edit_title = _("Изменить секцию")
    related_views = [FloorView]
    list_columns = ["building.name", "name", "manager"]
    search_columns = ["building", "name", "manager"]
    add_columns = edit_columns = show_columns = ["building", "name", "description", "manager"]
    order_columns = ["name"]


class BuildingView(ArendaModelView):
    datamodel = SQLAInterface(Building)
    class_permission_name = P.RESOURCE_BUILDING
    list_title = _("Здания")
    show_title = _("Здание")
    add_title = _("Новое здание")
    edit_title = _("Изменить здание")
    show_template = "arenda/building_show.html"
    related_views = [SectionView, FloorView, BuildingPhotoView]
    list_columns = ["name", "address", "floors_count", "manager"]
    search_columns = ["name", "address", "manager"]
    add_columns = edit_columns = ["name", "address", "description", "floors_count", "manager"]
    show_columns = ["name", "address", "description", "floors_count", "manager"]
    order_columns = ["name", "address", "floors_count"]
    base_order = ("name", "asc")

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        rows, totals = building_occupancy(self.datamodel.session, int(pk), today())
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=self._related_views,
            occupancy=rows,
            totals=totals,
            room_kind=enum_label(RoomKind),
            area=area,
            money=money,
            today=today(),
        )


def register(appbuilder):
    category = dict(category=P.MENU_PROPERTY, category_label=_("Объекты"), category_icon="fa-building")
    appbuilder.add_view(BuildingView, P.RESOURCE_BUILDING, label=_("Здания"), icon="fa-building", **category)
    appbuilder.add_view(SectionView, P.RESOURCE_SECTION, label=_("Секции"), icon="fa-th-large", **category)
    appbuilder.add_view(FloorView, P.RESOURCE_FLOOR, label=_("Этажи"), icon="fa-bars", **category)
    appbuilder.add_view(RoomView, P.RESOURCE_ROOM, label=_("Помещения"), icon="fa-square-o", **category)
    appbuilder.add_view_no_menu(BuildingPhotoView)

