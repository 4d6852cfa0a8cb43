from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_backfill_limit_and_public_url"),
    ]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="green_channel_wait_minutes",
            field=models.PositiveSmallIntegerField(
                default=10,
                help_text="绿色通道号票等候超过此分钟数仍未叫号，在主任工作台上标红提醒。",
                verbose_name="绿色通道等候提醒（分钟）",
            ),
        ),
    ]
