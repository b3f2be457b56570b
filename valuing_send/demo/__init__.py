"""The demo authority that ``make run`` sets up (``manage.py setup_demo``): people in every role
and a generated caseload. It sits above every app, since it fills all of them."""
