"""Learning brought in from another system (xAPI statements, a CSV) as proposed training
records a practitioner confirms or discards (ProposedRecord)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0023_team_tally_competencies'),
        ('catalogue', '0009_retire_unsupported_catalogue_rows'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProposedRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(help_text='e.g. Developing Positive Early Attachments', max_length=200)),
                ('provider', models.CharField(blank=True, help_text='e.g. NHS Education for Scotland', max_length=200)),
                ('method', models.CharField(choices=[('course', 'Course or module'), ('elearning', 'E-learning'), ('workshop', 'Workshop or study day'), ('conference', 'Conference'), ('supervision', 'Group supervision or case discussion'), ('reading', 'Reading or self-study'), ('other', 'Other')], default='course', max_length=12)),
                ('finished', models.DateField(help_text='The day it was completed, e.g. 5 March 2026.')),
                ('hours', models.DecimalField(blank=True, decimal_places=1, help_text='CPD hours, when the file gives them, e.g. 2.5. Empty: not given.', max_digits=5, null=True)),
                ('outcome', models.CharField(blank=True, help_text='What the file says of it: completed or passed. Empty for a CSV row.', max_length=12)),
                ('source', models.CharField(choices=[('xapi', 'xAPI statements'), ('csv', 'CSV file')], max_length=8)),
                ('file_name', models.CharField(help_text='e.g. turas-statements.json', max_length=200)),
                ('statement_id', models.CharField(blank=True, help_text='The xAPI statement id, a UUID. Empty for a CSV.', max_length=64)),
                ('activity_id', models.CharField(blank=True, help_text='The xAPI activity id, e.g. https://learn.example.org/courses/imh-1.', max_length=500)),
                ('key', models.CharField(help_text='What makes it the same learning twice: a digest of the statement id, or of the activity (or title) and the day finished.', max_length=64)),
                ('state', models.CharField(choices=[('proposed', 'Waiting for her to confirm or discard'), ('confirmed', 'Confirmed: a training record was made'), ('discarded', 'Discarded')], default='proposed', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('brought_by', models.ForeignKey(blank=True, help_text='Who uploaded the file: the practitioner, or a training lead.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('course', models.ForeignKey(blank=True, help_text='The catalogue course it was recognised as, by activity id or title.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalogue.course')),
                ('module', models.ForeignKey(blank=True, help_text='The module of that course, when it was recognised as one.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalogue.module')),
                ('organisation', models.ForeignKey(blank=True, help_text='The organisation of the training lead who brought it in, if one did.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='assessments.organisation')),
                ('record', models.ForeignKey(blank=True, help_text='The training record confirming it made.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='assessments.trainingrecord')),
                ('user', models.ForeignKey(help_text='Whose record it would be.', on_delete=django.db.models.deletion.CASCADE, related_name='proposed_records', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-finished', 'pk'],
                'indexes': [models.Index(fields=['user', 'state'], name='proposed_record_by_user')],
                'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='proposed_record_once_per_user'), models.CheckConstraint(condition=models.Q(('hours__isnull', True), ('hours__gte', 0), _connector='OR'), name='proposed_record_hours_not_negative'), models.CheckConstraint(condition=models.Q(('state__in', ['proposed', 'confirmed', 'discarded'])), name='proposed_record_state_known')],
            },
        ),
    ]
