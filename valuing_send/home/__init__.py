"""The home page: what each role works on, gathered from every part of the service. It sits
above the apps it reads from (assessments, indicators), so the platform (``valuing_send.core``)
imports none of them."""
