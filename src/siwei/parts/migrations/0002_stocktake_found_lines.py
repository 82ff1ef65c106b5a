"""Stocktake lines for parts found during the count (PT-12): no lot until approval, the
batch number on the line, and a flag. Existing lines take the batch of their lot."""

import django.db.models.deletion
from django.db import migrations, models


def copy_batches(apps, schema_editor):
    line_model = apps.get_model("parts", "StocktakeLine")
    lot_model = apps.get_model("parts", "Lot")
    batch = lot_model.objects.filter(pk=models.OuterRef("lot_id")).values("batch")[:1]
    line_model.objects.exclude(lot=None).update(batch=models.Subquery(batch))


class Migration(migrations.Migration):

    dependencies = [
        ('parts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='stocktakeline',
            name='batch',
            field=models.CharField(blank=True, max_length=40, verbose_name='batch number'),
        ),
        migrations.AddField(
            model_name='stocktakeline',
            name='is_found',
            field=models.BooleanField(default=False, verbose_name='found during the count'),
        ),
        migrations.AlterField(
            model_name='stocktakeline',
            name='location',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parts.location', verbose_name='location'),
        ),
        migrations.AlterField(
            model_name='stocktakeline',
            name='lot',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parts.lot'),
        ),
        migrations.AlterField(
            model_name='stocktakeline',
            name='part',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parts.part', verbose_name='part'),
        ),
        migrations.RunPython(copy_batches, migrations.RunPython.noop),
    ]
