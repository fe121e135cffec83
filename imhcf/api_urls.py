"""/api/v1/, one namespace ("api:") put together from the apps' parts: the public
framework and courses (catalogue/api/), a person's own record (assessments/api/record.py)
an organisation's teams, staff and keys (assessments/api/organisations/), and the
learning a platform sends for an organisation's staff (assessments/api/learning.py)."""

from assessments.api import learning, record
from assessments.api.organisations import urls as organisations
from catalogue.api import urls as public

app_name = "api"

urlpatterns = [
    *public.urlpatterns,
    *record.urlpatterns,
    *organisations.urlpatterns,
    *learning.urlpatterns,
]
