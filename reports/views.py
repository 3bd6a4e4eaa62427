from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from agreements.selectors import programmes_with_progress


@staff_member_required
def dashboard(request):
    return render(request, "reports/dashboard.html", {"programmes": programmes_with_progress()})
