from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "valuing_send.documents"
    label = "documents"
    verbose_name = "Documents (PDFs and zips made by the workers)"
