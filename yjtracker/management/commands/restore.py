from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yjtracker import backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an EMPTY database and file storage, "
        "then check every table's row count and checksum against the archive's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="verify the archive's checksums and restore nothing",
        )

    def handle(self, *args, archive, check_only, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            manifest = backup.verify(path) if check_only else backup.restore(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        done = "Checked" if check_only else "Restored and checked"
        self.stdout.write(
            f"{done} {path}: backup of {manifest['created']}, {len(manifest['tables'])} tables, "
            f"{rows} rows, {manifest['file_count']} files."
        )
