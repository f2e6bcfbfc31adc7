"""Where attached documents are kept: a storage of their own, never a public folder.

`settings.STORAGES["documents"]` is built by `storage_settings()` from the environment:
the local filesystem under the var directory by default (outside STATIC_ROOT and MEDIA_ROOT,
served by no URL), or S3 (any S3-compatible object store) through django-storages with a
private ACL. Files are only ever read back through the download view, which checks the access
policy and writes an audit entry (docs/documents.md).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.files.storage import Storage, storages


def storage_settings(
    env: dict, var_dir: Path, *, prefix: str = "DOCUMENTS", folder: str = "documents"
) -> dict:
    """A private STORAGES entry from the environment variables ``{prefix}_STORAGE``,
    ``{prefix}_ROOT`` and ``{prefix}_S3_*``: documents (``DOCUMENTS_*``) and report results
    (``REPORTS_*``, sunflower/reports/results.py) are kept the same way."""
    kind = env.get(f"{prefix}_STORAGE", "filesystem")
    if kind == "filesystem":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": env.get(f"{prefix}_ROOT", str(var_dir / folder)),
                "base_url": None,  # never served by URL
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    if kind == "s3":
        bucket = env.get(f"{prefix}_S3_BUCKET", "")
        if not bucket:
            raise ValueError(f"{prefix}_STORAGE=s3 needs {prefix}_S3_BUCKET.")
        options = {
            "bucket_name": bucket,
            "location": env.get(f"{prefix}_S3_PREFIX", folder),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        }
        if env.get(f"{prefix}_S3_ENDPOINT_URL"):
            options["endpoint_url"] = env[f"{prefix}_S3_ENDPOINT_URL"]
        if env.get(f"{prefix}_S3_REGION"):
            options["region_name"] = env[f"{prefix}_S3_REGION"]
        # Credentials come from the standard AWS_* environment variables or the instance role.
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    raise ValueError(f"{prefix}_STORAGE must be 'filesystem' or 's3', not {kind!r}.")


class EnvironmentStorage(Storage):
    """The storage of the environment serving the request: `live` on the live site, `training`
    inside the training environment (sunflower/training/environment.py), so a trainee's
    uploads never land among live files. Each call looks the storage up again, so it follows
    the request and changed settings; a model field needs one Storage instance, hence the
    proxy."""

    def __init__(self, live: str, training: str):
        self.live, self.training = live, training

    def current(self) -> Storage:
        from sunflower.training.environment import in_training_environment

        return storages[self.training if in_training_environment() else self.live]

    def open(self, name, mode="rb"):
        return self.current().open(name, mode)

    def save(self, name, content, max_length=None):
        return self.current().save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.current().generate_filename(filename)

    def get_valid_name(self, name):
        return self.current().get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.current().get_available_name(name, max_length=max_length)

    def path(self, name):
        return self.current().path(name)

    def delete(self, name):
        return self.current().delete(name)

    def exists(self, name):
        return self.current().exists(name)

    def listdir(self, path):
        return self.current().listdir(path)

    def size(self, name):
        return self.current().size(name)

    def url(self, name):
        return self.current().url(name)

    def get_accessed_time(self, name):
        return self.current().get_accessed_time(name)

    def get_created_time(self, name):
        return self.current().get_created_time(name)

    def get_modified_time(self, name):
        return self.current().get_modified_time(name)


_DOCUMENTS = EnvironmentStorage("documents", "training_documents")


def documents_storage():
    return _DOCUMENTS


def stored_name(instance, filename: str) -> str:
    """A random name: the stored path says nothing about the client or the original file."""
    suffix = Path(filename).suffix.lower()[:10]
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token}{suffix}"
