"""EVA-3: rating levels run 1 = 非常满意 … 5 = 非常不满意, so 基本满意 is 3. Policies that said 4 for
基本满意 say 3 now; the setting means "this level and every worse one is revisited"."""

from django.db import migrations, models


def to_new_scale(apps, schema_editor):
    Policy = apps.get_model("org", "Policy")
    Policy.objects.filter(revisit_below_level=4).update(revisit_below_level=3)


def to_old_scale(apps, schema_editor):
    Policy = apps.get_model("org", "Policy")
    Policy.objects.filter(revisit_below_level=3).update(revisit_below_level=4)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0005_policy_duty_early_minutes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="policy",
            name="revisit_below_level",
            field=models.PositiveSmallIntegerField(
                default=3,
                help_text="评价等级 1 非常满意、2 满意、3 基本满意、4 不满意、5 非常不满意；此等级及更差的评价全部回访（默认 3 基本满意）。",
                verbose_name="该等级及以下评价全部回访",
            ),
        ),
        migrations.RunPython(to_new_scale, to_old_scale),
    ]
