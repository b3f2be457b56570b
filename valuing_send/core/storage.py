from django.contrib.staticfiles.storage import StaticFilesStorage as DjangoStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class KeptURLs:
    """A static file's URL worked out once per name in this process, as ``{% static %}`` asks for
    the same few (the stylesheets, scripts and icons of every page's head) on every page: about
    60 µs each through the storage, a third of rendering ``base.html``. A name's URL cannot change
    while the process runs (the manifest of hashed names is read once, when the storage is made;
    a new deployment is a new process)."""

    KEEP_AT_MOST = 1000

    def url(self, name, *args, **kwargs):
        if args or kwargs:
            return super().url(name, *args, **kwargs)
        kept = self.__dict__.setdefault("_kept_urls", {})
        found = kept.get(name)
        if found is None:
            if len(kept) >= self.KEEP_AT_MOST:
                kept.clear()
            found = kept[name] = super().url(name)
        return found


class DevelopmentStaticFilesStorage(KeptURLs, DjangoStaticFilesStorage):
    """Static files as they are in the checkout (``make run``, tests and benches)."""


class StaticFilesStorage(KeptURLs, CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files for production. Our JS loads GOV.UK Frontend and MOJ
    Frontend as ES modules by relative import, so those import paths are rewritten too."""

    support_js_module_import_aggregation = True
