from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.models import Notification
from servicecenter.roles import sees_all_stations

from ..models import ConsumptionRecord, Customer, SupplyStation
from ..privacy import MaskedPhones, PhoneField
from ..selectors import user_station_id

User = get_user_model()


class SupplyStationSerializer(serializers.ModelSerializer):
    head = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all(), required=False,
                                        allow_null=True,
                                        help_text="username of the station head; null for a station "
                                                  "outside the reader's own (people are scoped like customers)")

    class Meta:
        model = SupplyStation
        fields = ["id", "code", "name", "area_type", "head", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not sees_all_stations(request.user) \
                and instance.pk != user_station_id(request.user):
            data["head"] = None
        return data


class CustomerSerializer(MaskedPhones, serializers.ModelSerializer):
    phone_fields = ("phone",)
    phone = PhoneField()

    station = serializers.SlugRelatedField(slug_field="code", queryset=SupplyStation.objects.all())
    account_manager = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all(),
                                                   required=False, allow_null=True)
    customer_account_no = serializers.CharField(source="account_no", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id", "account_no", "customer_account_no", "name", "kind", "voltage_kv", "station", "address",
            "phone", "contact_name", "dual_power_supply", "dual_circuit", "important_level", "has_pv",
            "has_ev_charging", "grade", "grade_label", "grade_source", "grade_locked_until",
            "account_manager", "created_at", "updated_at",
        ]
        read_only_fields = ["grade_source"]

    def validate_account_manager(self, user):
        if user is not None and not user.groups.filter(name="account_manager").exists():
            raise serializers.ValidationError("This user is not an account manager.")
        return user

    def validate(self, attrs):
        # A grade written by a person is a manual grade (SPEC §2); grading runs write `auto`.
        grade = attrs.get("grade")
        if grade is not None and (self.instance is None or grade != self.instance.grade):
            attrs["grade_source"] = "manual"
        return attrs


class ConsumptionRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsumptionRecord
        fields = ["period", "kwh", "amount_yuan"]

    def validate_period(self, value):
        if value.day != 1:
            raise serializers.ValidationError("The period is the first day of a month (YYYY-MM-01).")
        return value


class ConsumptionUpsertSerializer(serializers.Serializer):
    rows = ConsumptionRecordSerializer(many=True, allow_empty=False)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "channel", "subject", "body", "link", "urgent", "status", "created_at",
                  "sent_at", "read_at"]
