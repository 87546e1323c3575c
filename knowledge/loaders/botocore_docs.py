"""AWS API reference text shipped inside botocore: every service's operation and shape docs, offline.

Each operation becomes a section with its request members ("Service — Operation"); each documented
structure that is not an operation's own input or output becomes a section with its members.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

from knowledge.loaders.text_cleaning import strip_html
from knowledge.passage import KIND_API, Section, SourceDocument

LOADER_VERSION = "1"
MIN_SHAPE_DOC_CHARS = 80

# API reference locations under https://docs.aws.amazon.com/ with the page prefix for each name.
# Services missing here get the boto3 reference page of the operation instead.
_API_REFERENCE: dict[str, tuple[str, str]] = {
    "sagemaker": ("sagemaker/latest/APIReference", "API_"),
    "sagemaker-runtime": ("sagemaker/latest/APIReference", "API_runtime_"),
    "sagemaker-featurestore-runtime": ("sagemaker/latest/APIReference", "API_feature_store_"),
    "bedrock": ("bedrock/latest/APIReference", "API_"),
    "bedrock-runtime": ("bedrock/latest/APIReference", "API_runtime_"),
    "bedrock-agent": ("bedrock/latest/APIReference", "API_agent_"),
    "bedrock-agent-runtime": ("bedrock/latest/APIReference", "API_agent-runtime_"),
    "s3": ("AmazonS3/latest/API", "API_"),
    "iam": ("IAM/latest/APIReference", "API_"),
    "sts": ("STS/latest/APIReference", "API_"),
    "cloudformation": ("AWSCloudFormation/latest/APIReference", "API_"),
    "lambda": ("lambda/latest/api", "API_"),
    "dynamodb": ("amazondynamodb/latest/APIReference", "API_"),
    "kinesis": ("kinesis/latest/APIReference", "API_"),
    "firehose": ("firehose/latest/APIReference", "API_"),
    "comprehend": ("comprehend/latest/APIReference", "API_"),
    "transcribe": ("transcribe/latest/APIReference", "API_"),
    "translate": ("translate/latest/APIReference", "API_"),
    "rekognition": ("rekognition/latest/APIReference", "API_"),
    "textract": ("textract/latest/dg", "API_"),
    "kendra": ("kendra/latest/APIReference", "API_"),
    "personalize": ("personalize/latest/dg", "API_"),
    "polly": ("polly/latest/dg", "API_"),
    "kms": ("kms/latest/APIReference", "API_"),
    "ec2": ("AWSEC2/latest/APIReference", "API_"),
    "cloudwatch": ("AmazonCloudWatch/latest/APIReference", "API_"),
    "logs": ("AmazonCloudWatchLogs/latest/APIReference", "API_"),
    "athena": ("athena/latest/APIReference", "API_"),
    "sqs": ("AWSSimpleQueueService/latest/APIReference", "API_"),
    "ecr": ("AmazonECR/latest/APIReference", "API_"),
    "ecs": ("AmazonECS/latest/APIReference", "API_"),
    "stepfunctions": ("step-functions/latest/apireference", "API_"),
    "secretsmanager": ("secretsmanager/latest/apireference", "API_"),
}

# Certification-relevant services in the default index (AIF-C01, MLA-C01, GenAI Developer Pro).
DEFAULT_SERVICES: tuple[str, ...] = (
    "sagemaker",
    "sagemaker-runtime",
    "sagemaker-featurestore-runtime",
    "sagemaker-a2i-runtime",
    "bedrock",
    "bedrock-runtime",
    "bedrock-agent",
    "bedrock-agent-runtime",
    "s3",
    "iam",
    "sts",
    "kms",
    "cloudformation",
    "lambda",
    "glue",
    "lakeformation",
    "athena",
    "kinesis",
    "firehose",
    "dynamodb",
    "comprehend",
    "transcribe",
    "translate",
    "polly",
    "rekognition",
    "textract",
    "macie2",
    "kendra",
    "personalize",
    "cloudwatch",
    "logs",
    "cloudtrail",
    "stepfunctions",
    "ecr",
    "emr",
    "opensearch",
    "qbusiness",
    "ec2",
)


def _loader() -> Any:
    import botocore.session

    return botocore.session.get_session().get_component("data_loader")


def available_services() -> list[str]:
    import botocore.session

    return sorted(botocore.session.get_session().get_available_services())


def api_reference_url(service: str, name: str) -> str | None:
    ref = _API_REFERENCE.get(service)
    if ref is None:
        return None
    return f"https://docs.aws.amazon.com/{ref[0]}/{ref[1]}{name}.html"


def boto3_operation_url(service: str, operation: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", operation).lower()
    return f"https://boto3.amazonaws.com/v1/documentation/api/latest/reference/services/{service}/client/{snake}.html"


def load_service(service: str, loader: Any | None = None) -> SourceDocument:
    model = (loader or _loader()).load_service_model(service, "service-2")
    meta = model.get("metadata", {})
    full_name = meta.get("serviceFullName") or service
    shapes: dict[str, Any] = model.get("shapes", {})
    sections: list[Section] = []
    io_shapes: set[str] = set()
    for op_name, op in sorted(model.get("operations", {}).items()):
        for key in ("input", "output"):
            if key in op:
                io_shapes.add(op[key]["shape"])
        sections.append(_operation_section(service, full_name, op_name, op, shapes))
    for shape_name, shape in sorted(shapes.items()):
        section = _shape_section(service, full_name, shape_name, shape, io_shapes)
        if section is not None:
            sections.append(section)
    digest = hashlib.sha256((LOADER_VERSION + json.dumps(model, sort_keys=True, default=str)).encode()).hexdigest()
    api_root = _API_REFERENCE.get(service)
    return SourceDocument(
        source_id=f"botocore:{service}",
        kind=KIND_API,
        title=f"{full_name} API Reference",
        location=f"botocore:{service} ({meta.get('apiVersion', '')})",
        sections=sections,
        url=f"https://docs.aws.amazon.com/{api_root[0]}/Welcome.html" if api_root else None,
        service=service,
        content_hash=digest,
    )


def _operation_section(service: str, full_name: str, name: str, op: dict[str, Any], shapes: dict[str, Any]) -> Section:
    parts = [strip_html(op.get("documentation", "")) or f"The {name} operation."]
    input_shape = shapes.get(op.get("input", {}).get("shape", ""), {})
    members = list(_member_lines(input_shape, shapes))
    if members:
        parts.append("Request parameters:\n" + "\n".join(members))
    return Section(
        text="\n\n".join(parts),
        headings=("Operations", name),
        url=api_reference_url(service, name) or boto3_operation_url(service, name),
        title=f"{full_name} — {name}",
    )


def _shape_section(
    service: str, full_name: str, name: str, shape: dict[str, Any], io_shapes: set[str]
) -> Section | None:
    if name in io_shapes or shape.get("exception") or shape.get("type") != "structure":
        return None
    doc = strip_html(shape.get("documentation", ""))
    members = list(_member_lines(shape, None))
    if len(doc) + sum(len(m) for m in members) < MIN_SHAPE_DOC_CHARS:
        return None
    body = doc + ("\n\nMembers:\n" + "\n".join(members) if members else "")
    return Section(
        text=body.strip(),
        headings=("Data types", name),
        url=api_reference_url(service, name),
        title=f"{full_name} — {name}",
    )


def _member_lines(shape: dict[str, Any], shapes: dict[str, Any] | None) -> Iterable[str]:
    required = set(shape.get("required", []))
    for member, spec in shape.get("members", {}).items():
        doc = strip_html(spec.get("documentation", "")).replace("\n", " ")
        flag = ", required" if member in required else ""
        kind = spec.get("shape", "")
        yield f"- {member} ({kind}{flag}): {doc}" if doc else f"- {member} ({kind}{flag})"
