"""Evidence in S3-compatible object storage, against a real S3 API on loopback (moto)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Action, Evidence

PDF = b"%PDF-1.4\n% the signed protocol with the academy trusts\n%%EOF\n"


def action_2_1(inspection) -> Action:
    return Action.objects.get(
        plan__recommendation__inspection=inspection, plan__recommendation__number=2, number=1
    )


def test_evidence_is_uploaded_to_object_storage_and_downloaded_only_through_the_app(
    client, manager, viewer, outsider, knowsley_demo, s3_storage
):
    action = action_2_1(knowsley_demo)
    client.force_login(manager)
    response = client.post(
        reverse("evidence_create", args=[action.pk]),
        {
            "evidence_title": "Signed protocol",
            "evidence_file": SimpleUploadedFile("protocol.pdf", PDF, "application/pdf"),
            "evidence_link": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = Evidence.objects.get(action=action, title="Signed protocol")
    assert s3_storage.keys() == [evidence.file.name]
    stored = s3_storage.client().get_object(Bucket=s3_storage.bucket, Key=evidence.file.name)
    assert stored["Body"].read() == PDF
    assert stored.get("ServerSideEncryption") == "AES256"

    reader = client.__class__()
    reader.force_login(viewer)
    download = reader.get(reverse("evidence_download", args=[evidence.pk]))
    assert download.status_code == 200  # the bytes themselves, not a redirect to a URL
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]

    stranger = client.__class__()
    stranger.force_login(outsider)
    assert stranger.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404
    anonymous = client.__class__().get(reverse("evidence_download", args=[evidence.pk]))
    assert anonymous.status_code == 302

    page = reader.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert s3_storage.endpoint not in page and "X-Amz" not in page


def test_withdrawing_evidence_deletes_nothing_from_object_storage(
    client, manager, knowsley_demo, s3_storage
):
    action = action_2_1(knowsley_demo)
    client.force_login(manager)
    client.post(
        reverse("evidence_create", args=[action.pk]),
        {
            "evidence_title": "Minutes of the wrong meeting",
            "evidence_file": SimpleUploadedFile("minutes.pdf", PDF, "application/pdf"),
            "evidence_link": "",
        },
    )
    evidence = Evidence.objects.get(action=action, title="Minutes of the wrong meeting")
    response = client.post(
        reverse("evidence_withdraw", args=[evidence.pk]), {"reason": "Added to the wrong action."}
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.withdrawn
    assert s3_storage.keys() == [evidence.file.name]
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404


def test_readiness_checks_the_object_storage(client, db, s3_storage):
    assert client.get(reverse("readyz")).status_code == 200
    s3_storage.client().delete_bucket(Bucket=s3_storage.bucket)
    assert client.get(reverse("readyz")).status_code == 503


def test_evidence_missing_from_object_storage_is_a_404_not_a_server_error(
    client, manager, knowsley_demo, s3_storage
):
    """A file lost from the bucket (a partial restore, a lifecycle rule) reads as missing."""
    action = action_2_1(knowsley_demo)
    client.force_login(manager)
    client.post(
        reverse("evidence_create", args=[action.pk]),
        {
            "evidence_title": "Board minutes",
            "evidence_file": SimpleUploadedFile("minutes.pdf", PDF, "application/pdf"),
            "evidence_link": "",
        },
    )
    evidence = Evidence.objects.get(action=action, title="Board minutes")
    s3_storage.client().delete_object(Bucket=s3_storage.bucket, Key=evidence.file.name)

    response = client.get(reverse("evidence_download", args=[evidence.pk]))

    assert response.status_code == 404
