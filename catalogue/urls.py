from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("framework/", views.framework, name="framework"),
    path("framework/domain/<int:number>/", views.domain_detail, name="domain_detail"),
    path("framework/<str:code>/", views.competency_detail, name="competency_detail"),
    path("courses/", views.course_list, name="course_list"),
    path("courses/grades/", views.grades, name="grades"),
    path("courses/<slug:slug>/", views.course_detail, name="course_detail"),
    path("glossary/", views.glossary, name="glossary"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
