"""A URLconf naming "home" elsewhere, for the kept URL tag's test."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("elsewhere/", lambda request: HttpResponse(), name="home")]
