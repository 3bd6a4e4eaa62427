"""The OpenAPI schema: drf-spectacular's, with the refusals every operation may answer documented."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


ERRORS = {
    "400": (OpenApiTypes.OBJECT, "A filter, page or field that does not parse, with the reason per field."),
    "401": (ErrorSerializer, "No token, or one that is unknown, expired or revoked."),
    "403": (ErrorSerializer, "The token's person may not do this (a system's token changes nothing)."),
    "404": (ErrorSerializer, "No such object among those the token's person may see, or no such page."),
    "429": (ErrorSerializer, "Too many requests for this token; wait the seconds the Retry-After header says."),
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            for code, (schema, description) in ERRORS.items():
                responses.setdefault(
                    code, self._get_response_for_code(OpenApiResponse(schema, description=description), code)
                )
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token as the schema names it: ``Authorization: Bearer inolink_<prefix>_<secret>``."""

    target_class = "api.authentication.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A token staff created in the administration."}
