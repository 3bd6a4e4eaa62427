import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

from agreements.models import Agreement, Party, Programme
from agreements.tests.factories import (
    ActiveAgreementFactory,
    AgreementFactory,
    HourAllocationFactory,
    ProgrammeFactory,
    SignatureFactory,
)
from agreements.validators import MAX_DOCUMENT_BYTES, validate_pdf_document
from clusters.models import LabelLevel
from clusters.tests.factories import ClusterFactory, LabelAwardFactory
from consultations.models import HourAllocation, ServiceArea

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = datetime.date.today()
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def is_active(agreement):
    agreement = Agreement.objects.prefetch_related("signatures").get(pk=agreement.pk)
    in_queryset = Agreement.objects.active().filter(pk=agreement.pk).exists()
    assert agreement.is_active == in_queryset, "the model and the queryset must agree"
    return in_queryset


def test_fully_signed_agreement_inside_its_period_is_active():
    assert is_active(ActiveAgreementFactory())


@pytest.mark.parametrize("missing", Party.values)
def test_missing_signature_keeps_it_draft(missing):
    agreement = AgreementFactory()
    for party in Party.values:
        if party != missing:
            SignatureFactory(agreement=agreement, party=party)
    assert not is_active(agreement)
    assert agreement.status == Agreement.Status.DRAFT


def test_outside_the_period_it_is_not_active():
    future = ActiveAgreementFactory(starts_on=TODAY + datetime.timedelta(days=5))
    past = ActiveAgreementFactory(
        starts_on=TODAY - datetime.timedelta(days=400), ends_on=TODAY - datetime.timedelta(days=1)
    )
    assert not is_active(future) and future.status == Agreement.Status.SIGNED
    assert not is_active(past) and past.status == Agreement.Status.COMPLETED


def test_terminated_agreement_is_not_active():
    agreement = ActiveAgreementFactory(terminated_on=TODAY, termination_reason="Cluster dissolved")
    assert not is_active(agreement)
    assert agreement.status == Agreement.Status.TERMINATED


def test_one_live_agreement_per_cluster_and_programme_in_the_database():
    first = ActiveAgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(programme=first.programme, cluster=first.cluster)
    first.terminated_on = TODAY
    first.termination_reason = "Replaced"
    first.save()
    AgreementFactory(programme=first.programme, cluster=first.cluster)  # allowed once the first is terminated


def test_duplicate_live_agreement_gets_a_message_at_the_cluster_field():
    first = ActiveAgreementFactory()
    duplicate = AgreementFactory.build(programme=first.programme, cluster=first.cluster)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has a live agreement" in str(error.value)


def test_period_ending_before_it_starts_is_refused():
    agreement = AgreementFactory.build(
        programme=ProgrammeFactory(),
        cluster=ClusterFactory(),
        starts_on=TODAY,
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "ends_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_second_signature_for_a_party_is_refused_by_the_database():
    agreement = ActiveAgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureFactory(agreement=agreement, party=Party.CLUSTER)


def test_pdf_document_is_accepted():
    validate_pdf_document(SimpleUploadedFile("agreement.pdf", PDF_BYTES, content_type="application/pdf"))


def test_renamed_text_file_is_refused():
    upload = SimpleUploadedFile("agreement.pdf", b"just some text, not a PDF", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not a PDF"):
        validate_pdf_document(upload)


def test_oversized_document_is_refused():
    upload = SimpleUploadedFile("agreement.pdf", PDF_BYTES + b"0" * MAX_DOCUMENT_BYTES)
    with pytest.raises(ValidationError, match="limit"):
        validate_pdf_document(upload)


def test_remaining_hours_start_at_the_granted_hours():
    allocation = HourAllocationFactory(hours_granted=Decimal("12.5"))
    annotated = HourAllocation.objects.with_usage().get(pk=allocation.pk)
    assert annotated.hours_remaining == Decimal("12.5")
    assert annotated.hours_delivered == 0 and annotated.hours_held == 0


@pytest.mark.parametrize("hours", ["0", "-5", "1000.25", "99999"])
def test_negative_zero_or_absurd_hours_are_refused(hours):
    allocation = HourAllocationFactory.build(agreement=ActiveAgreementFactory(), hours_granted=Decimal(hours))
    with pytest.raises(ValidationError) as error:
        allocation.full_clean()
    assert "hours_granted" in error.value.message_dict


def test_kpi_progress_counts_programme_clusters_holding_labels():
    programme = ProgrammeFactory(bronze_target=2, silver_target=1)
    bronze = ActiveAgreementFactory(programme=programme).cluster
    silver = ActiveAgreementFactory(programme=programme).cluster
    ActiveAgreementFactory(programme=programme)  # no label
    outside = ClusterFactory()  # not in the programme
    LabelAwardFactory(cluster=bronze, level=LabelLevel.BRONZE)
    LabelAwardFactory(cluster=silver, level=LabelLevel.SILVER)
    LabelAwardFactory(cluster=outside, level=LabelLevel.GOLD)
    progress = programme.kpi_progress()
    assert progress["bronze"] == 2 and progress["bronze_met"]
    assert progress["silver"] == 1 and progress["silver_met"]
    assert programme.kpi_summary == "bronze 2 / 2, silver 1 / 1"


def test_kpi_progress_ignores_terminated_agreements():
    programme = ProgrammeFactory()
    agreement = ActiveAgreementFactory(programme=programme, terminated_on=TODAY, termination_reason="Left")
    LabelAwardFactory(cluster=agreement.cluster)
    assert programme.kpi_progress()["bronze"] == 0


def test_kpi_progress_counts_labels_valid_on_the_day_once_per_cluster():
    programme = ProgrammeFactory()
    # Agreements active on both days asked about: only clusters with an active agreement count.
    started = TODAY - datetime.timedelta(days=200)
    twice = ActiveAgreementFactory(programme=programme, starts_on=started).cluster
    LabelAwardFactory(cluster=twice, level=LabelLevel.BRONZE)
    LabelAwardFactory(cluster=twice, level=LabelLevel.SILVER)
    lapsed = ActiveAgreementFactory(programme=programme, starts_on=started).cluster
    LabelAwardFactory(
        cluster=lapsed, awarded_on=TODAY - datetime.timedelta(days=800), valid_until=TODAY - datetime.timedelta(days=70)
    )
    LabelAwardFactory(
        cluster=lapsed, awarded_on=TODAY + datetime.timedelta(days=10), valid_until=TODAY + datetime.timedelta(days=700)
    )
    progress = programme.kpi_progress()
    assert (progress["bronze"], progress["silver"]) == (1, 1)
    on_day = Programme.objects.with_kpi_progress(on=TODAY - datetime.timedelta(days=100)).get(pk=programme.pk)
    assert (on_day.bronze_count, on_day.silver_count) == (1, 0)


def test_agreement_changes_are_kept_in_history():
    agreement = ActiveAgreementFactory()
    before = agreement.history.count()
    agreement.notes = "Amended"
    agreement.save()
    assert agreement.history.count() == before + 1
    assert agreement.history.first().notes == "Amended"


def test_an_agreement_is_active_on_its_first_and_last_day():
    agreement = ActiveAgreementFactory(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=30))
    assert agreement.status_on(TODAY) == Agreement.Status.ACTIVE
    assert agreement.status_on(TODAY - datetime.timedelta(days=1)) == Agreement.Status.SIGNED
    assert agreement.status_on(agreement.ends_on) == Agreement.Status.ACTIVE
    assert agreement.status_on(agreement.ends_on + datetime.timedelta(days=1)) == Agreement.Status.COMPLETED
    assert list(Agreement.objects.active(on=agreement.ends_on)) == [agreement]


def test_fully_signed_counts_the_parties_not_the_rows_a_filter_joins():
    agreement = ActiveAgreementFactory()
    HourAllocationFactory(agreement=agreement)
    HourAllocationFactory(agreement=agreement, service_area=ServiceArea.objects.exclude(code="legal").first())
    # Filtering through the two allocations joins each signature twice; the agreement is still signed by three.
    with_hours = Agreement.objects.filter(allocations__hours_granted__gt=0)
    assert list(with_hours.active()) == [agreement]
    assert list(with_hours.fully_signed()) == [agreement]


def test_missing_parties_names_the_parties_yet_to_sign_in_order():
    agreement = AgreementFactory()
    assert agreement.missing_parties() == ["Agency", "Partner", "Cluster"]
    SignatureFactory(agreement=agreement, party=Party.PARTNER)
    assert Agreement.objects.get(pk=agreement.pk).missing_parties() == ["Agency", "Cluster"]
    assert ActiveAgreementFactory().missing_parties() == []


def test_agreement_period_of_one_day_or_more_is_accepted_and_a_termination_needs_a_reason():
    def errors(**fields):
        agreement = AgreementFactory.build(**fields)
        try:
            agreement.clean()
        except ValidationError as error:
            return error.message_dict
        return {}

    assert errors(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=1)) == {}
    assert errors(starts_on=TODAY, ends_on=TODAY) == {"ends_on": ["The period must end after it starts."]}
    # A missing date is the field's own error (required); clean() adds none.
    assert errors(starts_on=None, ends_on=TODAY) == {}
    assert errors(starts_on=TODAY, ends_on=None) == {}
    assert errors(terminated_on=TODAY, termination_reason="Cluster dissolved") == {}
    assert errors(terminated_on=TODAY, termination_reason="  ") == {
        "termination_reason": ["Give the reason for terminating the agreement."]
    }
    assert errors(starts_on=TODAY, ends_on=TODAY, terminated_on=TODAY) == {
        "ends_on": ["The period must end after it starts."],
        "termination_reason": ["Give the reason for terminating the agreement."],
    }


def test_programme_must_end_after_it_starts():
    def errors(**fields):
        try:
            ProgrammeFactory.build(**fields).clean()
        except ValidationError as error:
            return error.message_dict
        return {}

    assert errors(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=1)) == {}
    assert errors(starts_on=TODAY, ends_on=TODAY) == {"ends_on": ["The programme must end after it starts."]}
    assert errors(starts_on=TODAY, ends_on=TODAY - datetime.timedelta(days=1)) == {
        "ends_on": ["The programme must end after it starts."]
    }
    assert errors(starts_on=None, ends_on=TODAY) == {}
    assert errors(starts_on=TODAY, ends_on=None) == {}


def test_participating_clusters_are_those_with_a_live_agreement_in_the_programme_once_each():
    programme = ProgrammeFactory()
    member = ActiveAgreementFactory(programme=programme).cluster
    AgreementFactory(programme=programme, cluster=member, terminated_on=TODAY, termination_reason="Earlier one")
    draft = AgreementFactory(programme=programme).cluster  # live, not yet signed: it takes part all the same
    left = AgreementFactory(programme=programme, terminated_on=TODAY, termination_reason="Left").cluster
    ActiveAgreementFactory()  # another programme's
    assert set(programme.participating_clusters()) == {member, draft}
    assert left not in programme.participating_clusters()
    assert programme.participating_clusters().count() == 2


def test_kpi_progress_of_an_annotated_programme_is_the_annotations_day_without_a_query(django_assert_num_queries):
    programme = ProgrammeFactory(bronze_target=1)
    ended = ActiveAgreementFactory(
        programme=programme, starts_on=TODAY - datetime.timedelta(days=300), ends_on=TODAY - datetime.timedelta(days=5)
    )
    LabelAwardFactory(cluster=ended.cluster, awarded_on=TODAY - datetime.timedelta(days=200))
    assert programme.kpi_progress()["bronze"] == 0  # its agreement is over today
    on_day = Programme.objects.with_kpi_progress(on=TODAY - datetime.timedelta(days=10)).get(pk=programme.pk)
    with django_assert_num_queries(0):
        progress = on_day.kpi_progress()
    assert (progress["bronze"], progress["bronze_met"], progress["silver"], progress["silver_met"]) == (
        1,
        True,
        0,
        False,
    )


def test_the_programmes_name_is_the_readers_or_the_other_language():
    programme = ProgrammeFactory(name="Innovation Networking", name_lt="Inovacijų tinklaveika")
    with translation.override("lt"):
        assert (programme.name, str(programme)) == ("Inovacijų tinklaveika", "Inovacijų tinklaveika")
    with translation.override("en"):
        assert programme.name == "Innovation Networking"
    english_only = ProgrammeFactory(name="InoLink")
    with translation.override("lt"):
        assert english_only.name == "InoLink"


def test_a_programme_needs_a_name_in_one_language_at_least():
    programme = ProgrammeFactory()
    programme.name_en = ""
    with translation.override("en"), pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert error.value.message_dict["name_lt"] == ["Write the name in Lithuanian, in English, or in both."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(name_en="", name_lt="")
