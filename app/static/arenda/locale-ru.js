/* Russian for the widgets FAB ships: loaded after bootstrap-datepicker and select2, before FAB's
   ab.js, so that every picker and select FAB (ab.js, ab_filters.js) or we create is Russian.
   Dates: a Russian calendar, Monday first, shown and typed as дд.мм.гггг (the forms and the
   list filters parse that, app/views/fields.py and app/views/filters.py). */
(function ($) {
  "use strict";

  $.fn.datepicker.dates.ru = {
    days: ["Воскресенье", "Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота"],
    daysShort: ["Вск", "Пнд", "Втр", "Срд", "Чтв", "Птн", "Суб"],
    daysMin: ["Вс", "Пн", "Вт", "Ср", "Чт", "Пт", "Сб"],
    months: ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"],
    monthsShort: ["Янв", "Фев", "Мар", "Апр", "Май", "Июн", "Июл", "Авг", "Сен", "Окт", "Ноя", "Дек"],
    today: "Сегодня",
    clear: "Очистить",
    format: "dd.mm.yyyy",
    weekStart: 1,
    monthsTitle: "Месяцы"
  };
  var DATE_OPTIONS = {language: "ru", format: "dd.mm.yyyy", weekStart: 1, autoclose: true, todayHighlight: true};
  $.extend($.fn.datepicker.defaults, DATE_OPTIONS);

  // FAB passes its own ISO format: ours wins.
  var datepicker = $.fn.datepicker;
  $.fn.datepicker = function (options) {
    if (options === undefined || typeof options === "object") {
      return datepicker.call(this, $.extend({}, options, DATE_OPTIONS));
    }
    return datepicker.apply(this, arguments);
  };
  $.extend($.fn.datepicker, datepicker);
  // FAB's list filters call a date-time picker it does not ship.
  $.fn.datetimepicker = function () { return this.datepicker({}); };

  var SELECT2_RU = {
    errorLoading: function () { return "Не удалось загрузить варианты"; },
    inputTooLong: function (args) { return "Удалите символов: " + (args.input.length - args.maximum); },
    inputTooShort: function (args) { return "Введите ещё символов: " + (args.minimum - args.input.length); },
    loadingMore: function () { return "Загрузка…"; },
    maximumSelected: function (args) { return "Можно выбрать не больше: " + args.maximum; },
    noResults: function () { return "Ничего не найдено"; },
    searching: function () { return "Поиск…"; },
    removeAllItems: function () { return "Очистить"; },
    removeItem: function () { return "Убрать"; },
    search: function () { return "Поиск"; }
  };
  $.fn.select2.defaults.set("language", SELECT2_RU);
  var select2 = $.fn.select2;
  $.fn.select2 = function (options) {
    if (options !== null && typeof options === "object") {
      options = $.extend({}, options, {language: SELECT2_RU});
      if (/^Select/.test(options.placeholder || "")) {  // FAB's «Select a State», «Select»
        options.placeholder = "Выберите…";
      }
      return select2.call(this, options);
    }
    return select2.apply(this, arguments);
  };
  $.extend($.fn.select2, select2);
}(jQuery));
