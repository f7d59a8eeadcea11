"""URLs of the reports app: the manager's pages (`manager/urls.py`) and the data-subject access
export (`subject_access/urls.py`)."""

from .manager.urls import urlpatterns as manager_urlpatterns
from .subject_access.urls import urlpatterns as subject_urlpatterns

app_name = "reports"

urlpatterns = [*manager_urlpatterns, *subject_urlpatterns]
