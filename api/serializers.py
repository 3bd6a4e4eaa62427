"""What each API object reads as. Choice fields carry their stored code (``"ict"``, ``"held"``); a person reads the
label in the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.models import Agreement, Signature
from clusters.models import Benchmarking, Cluster, LabelAward, LabelLevel, Membership, Organisation
from consultations.models import Consultation, HourAllocation, SessionOutcome
from events.models import Event, Outcome, Participation

from .services import registry_save


class RegistrySerializer(serializers.ModelSerializer):
    """Writes go through ``registry_save``: the model's rules and constraints, checked as the admin's form does."""

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, instance, validated_data):
        from django.core.exceptions import ValidationError as ModelValidationError

        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            return registry_save(instance)
        except ModelValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None


class ClusterSerializer(RegistrySerializer):
    current_label = serializers.SerializerMethodField(
        help_text="The highest label valid today: 1 bronze, 2 silver, 3 gold."
    )

    class Meta:
        model = Cluster
        fields = [
            "id",
            "name",
            "legal_name",
            "company_code",
            "sector",
            "region",
            "founded_year",
            "website",
            "email",
            "phone",
            "description",
            "status",
            "is_sample",
            "eccp_profile_url",
            "english_website_url",
            "management_fte",
            "current_label",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_current_label(self, cluster) -> int | None:
        level = cluster.current_label_level
        return level.value if level else None


class OrganisationSerializer(RegistrySerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "code", "kind", "country", "website"]


class MembershipSerializer(RegistrySerializer):
    cluster = serializers.PrimaryKeyRelatedField(queryset=Cluster.objects.all())
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "cluster", "organisation", "organisation_name", "organisation_kind", "role", "joined_on"]
        # The pair's uniqueness is the model's constraint, checked by registry_save with its message.
        validators = []


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signature
        fields = ["party", "signer_name", "signer_role", "signed_on"]


class AgreementSerializer(serializers.ModelSerializer):
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    status = serializers.SerializerMethodField()
    signatures = SignatureSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "number",
            "programme",
            "programme_code",
            "cluster",
            "starts_on",
            "ends_on",
            "status",
            "terminated_on",
            "signatures",
        ]

    def get_status(self, agreement) -> str:
        """draft, signed, active, completed or terminated, as the agreement's page shows it today."""
        return agreement.status.value


class HourAllocationSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="agreement.cluster_id", read_only=True)
    service_area = serializers.CharField(source="service_area.code", read_only=True)
    hours_held = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    hours_remaining = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)

    class Meta:
        model = HourAllocation
        fields = [
            "id",
            "agreement",
            "cluster",
            "service_area",
            "hours_granted",
            "hours_delivered",
            "hours_held",
            "hours_remaining",
        ]


class RatingField(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField()


class ConsultationSerializer(serializers.ModelSerializer):
    service_area = serializers.CharField(source="service_area.code", read_only=True)
    expert_name = serializers.CharField(source="expert.user", read_only=True)
    rating = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "cluster",
            "agreement",
            "service_area",
            "expert",
            "expert_name",
            "starts_at",
            "ends_at",
            "hours",
            "format",
            "city",
            "address",
            "meeting_url",
            "topic",
            "agenda",
            "status",
            "status_reason",
            "created_at",
            "confirmed_at",
            "declined_at",
            "cancelled_at",
            "rating",
        ]

    @extend_schema_field(RatingField(allow_null=True))
    def get_rating(self, consultation):
        rating = getattr(consultation, "rating", None)
        return {"score": rating.score, "comment": rating.comment} if rating else None


class SessionOutcomeSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="consultation.cluster_id", read_only=True)
    indicator_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = SessionOutcome
        fields = [
            "id",
            "consultation",
            "cluster",
            "result",
            "summary",
            "recommendations",
            "follow_up_actions",
            "hours_delivered",
            "indicator_areas",
            "created_at",
            "updated_at",
        ]


class EventSerializer(serializers.ModelSerializer):
    approved_count = serializers.IntegerField(read_only=True, help_text="Approved applications (they use the places).")
    title = serializers.CharField(
        read_only=True, help_text="In the request's language, or in the other one when only that is written."
    )
    description = serializers.CharField(
        read_only=True, help_text="In the request's language, or in the other one when only that is written."
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "title_lt",
            "title_en",
            "kind",
            "organiser",
            "country",
            "city",
            "venue",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "places",
            "approved_count",
            "delegates_per_cluster",
            "description",
            "description_lt",
            "description_en",
            "external_url",
            "status",
            "published_at",
            "cancelled_at",
        ]


class EventOutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["attended", "contacts_made", "notes", "reported_at"]


class ParticipationSerializer(serializers.ModelSerializer):
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Participation
        fields = [
            "id",
            "event",
            "cluster",
            "status",
            "motivation",
            "support_needed",
            "support_details",
            "applied_at",
            "withdrawn_at",
            "outcome",
        ]

    @extend_schema_field(EventOutcomeSerializer(allow_null=True))
    def get_outcome(self, participation):
        outcome = getattr(participation, "outcome", None)
        return EventOutcomeSerializer(outcome).data if outcome else None


class LabelAwardSerializer(serializers.ModelSerializer):
    level_code = serializers.SerializerMethodField()

    class Meta:
        model = LabelAward
        fields = ["id", "cluster", "level", "level_code", "awarded_on", "valid_until", "reference", "benchmarking"]

    def get_level_code(self, award) -> str:
        """bronze, silver or gold."""
        return LabelLevel(award.level).name.lower()


class BenchmarkingSerializer(serializers.ModelSerializer):
    improvement_areas = serializers.SerializerMethodField()

    class Meta:
        model = Benchmarking
        fields = ["id", "cluster", "kind", "month", "expert", "status", "improvement_areas", "created_at"]

    def get_improvement_areas(self, benchmarking) -> list[str]:
        """The three indicator areas a silver re-benchmarking claims improvement in (their codes)."""
        return [area.code for area in benchmarking.improvement_areas]
