from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yjtracker import backup


class Command(BaseCommand):
    help = (
        "Write a dated archive of the database and every stored file, with a manifest of "
        "SHA-256 checksums and each table's row count and checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="directory for the archive")
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="then delete all but the newest KEEP archives there (0: delete none)",
        )

    def handle(self, *args, output, keep, **options):
        try:
            path = backup.backup(Path(output))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backup.verify(path)
        self.stdout.write(
            f"Wrote {path} ({len(manifest['tables'])} tables, "
            f"{manifest['file_count']} files, checksums verified)."
        )
        for old in backup.prune(Path(output), keep):
            self.stdout.write(f"Deleted old backup {old}")
