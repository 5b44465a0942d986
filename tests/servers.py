"""Real servers the tests start on loopback: free ports, never fixed ones (other test runs
share the machine), and a wait until each answers."""

from __future__ import annotations

import socket
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, *, seconds: float = 60, process=None) -> None:
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError as error:
            last = error
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s: {last}")


class MotoS3:
    """moto's S3 API (moto[server]) in this process, on a free loopback port."""

    bucket = "yjtracker-test-evidence"

    def __init__(self):
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self) -> MotoS3:
        self.server.start()
        wait_until_answering(self.endpoint + "/moto-api/")
        self.reset()
        return self

    def stop(self) -> None:
        self.server.stop()

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 (moto's fake key)
            region_name="eu-west-2",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def reset(self) -> None:
        request = urllib.request.Request(  # noqa: S310 (loopback only)
            self.endpoint + "/moto-api/reset", method="POST"
        )
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 (loopback only)
        self.client().create_bucket(
            Bucket=self.bucket,
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
        )

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def env(self) -> dict[str, str]:
        """The environment that points the app's settings at this server."""
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": "eu-west-2",
            "S3_ACCESS_KEY_ID": "testing",
            "S3_SECRET_ACCESS_KEY": "testing",
            "S3_ADDRESSING_STYLE": "path",
        }

    def storages(self, base: dict) -> dict:
        """settings.STORAGES with the default storage on this server."""
        return {
            **base,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": self.bucket,
                    "endpoint_url": self.endpoint,
                    "region_name": "eu-west-2",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "addressing_style": "path",
                    "signature_version": "s3v4",
                    "default_acl": None,
                    "file_overwrite": False,
                    "object_parameters": {"ServerSideEncryption": "AES256"},
                },
            },
        }
