# GOV.UK style guide: "23 November 2026", times as "2:05pm".
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, g:ia"
SHORT_DATETIME_FORMAT = "j M Y, g:ia"
TIME_FORMAT = "g:ia"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FIRST_DAY_OF_WEEK = 1
