from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files for production. Our JS loads GOV.UK Frontend and MOJ
    Frontend as ES modules by relative import, so those import paths are rewritten too."""

    support_js_module_import_aggregation = True
