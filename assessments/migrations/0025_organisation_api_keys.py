"""An organisation's API keys (OrganisationAPIKey): made by a training lead, stored hashed,
read or write, revocable, with the time each was last used."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0024_proposed_learning'),
    ]

    operations = [
        migrations.CreateModel(
            name='OrganisationAPIKey',
            fields=[
                ('id', models.CharField(editable=False, max_length=150, primary_key=True, serialize=False, unique=True)),
                ('prefix', models.CharField(editable=False, max_length=8, unique=True)),
                ('hashed_key', models.CharField(editable=False, max_length=150)),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('name', models.CharField(default=None, help_text='A free-form name for the API key. Need not be unique. 50 characters max.', max_length=50)),
                ('revoked', models.BooleanField(blank=True, default=False, help_text='If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)')),
                ('expiry_date', models.DateTimeField(blank=True, help_text='Once API key expires, clients cannot use it anymore.', null=True, verbose_name='Expires')),
                ('scope', models.CharField(choices=[('read', 'Read'), ('write', 'Read and write')], default='read', help_text="Read: teams, members' progress and team plans. Write: also add staff.", max_length=5)),
                ('last_used_at', models.DateTimeField(blank=True, help_text='When a program last used it, to the minute; empty if never, e.g. 2026-05-01 09:30', null=True)),
                ('revoked_at', models.DateTimeField(blank=True, help_text='When it was revoked, e.g. 2026-05-01 09:30', null=True)),
                ('made_by', models.ForeignKey(blank=True, help_text='The training lead who made it (empty once her account is deleted)', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(help_text='The one organisation this key reads (and writes), e.g. Anytown NHS Trust', on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to='assessments.organisation')),
                ('revoked_by', models.ForeignKey(blank=True, help_text='Who revoked it', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'organisation API key',
                'verbose_name_plural': 'organisation API keys',
                'ordering': ('-created',),
                'abstract': False,
                'indexes': [models.Index(fields=['organisation', '-created'], name='apikey_org_created')],
            },
        ),
    ]
