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

from django.core.files.storage import storages


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


def documents_storage():
    return storages["documents"]


def stored_name(instance, filename: str) -> str:
    """A random name: the stored path says nothing about the client or the original file."""
    suffix = Path(filename).suffix.lower()[:10]
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token}{suffix}"
