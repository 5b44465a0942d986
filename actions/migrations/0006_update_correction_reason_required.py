from django.db import migrations, models


class Migration(migrations.Migration):
    """The constraint in its own migration: on PostgreSQL a table is not altered in the
    transaction that updated its rows."""

    dependencies = [
        ("actions", "0005_update_corrections"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='progressupdate',
            constraint=models.CheckConstraint(condition=models.Q(('corrects__isnull', True), models.Q(('correction_reason', ''), _negated=True), _connector='OR'), name='update_correction_has_a_reason', violation_error_message='Say why the update is being corrected.'),
        ),
    ]
