"""AWS guides published as Markdown (the awsdocs repositories): their public URLs and services.

A file inside a folder named like one of these repositories (e.g. `sagemaker-developer-guide/
doc_source/x.md`) gets the page URL https://docs.aws.amazon.com/<guide path>/x.html.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Guide:
    folder_names: tuple[str, ...]
    path: str
    service: str
    title: str

    def page_url(self, file: Path) -> str:
        return f"https://docs.aws.amazon.com/{self.path}/{file.stem}.html"


GUIDES: tuple[Guide, ...] = (
    Guide(
        ("sagemaker-developer-guide", "amazon-sagemaker-developer-guide"),
        "sagemaker/latest/dg",
        "sagemaker",
        "Amazon SageMaker Developer Guide",
    ),
    Guide(
        ("s3-user-guide", "amazon-s3-userguide", "amazon-s3-developer-guide"),
        "AmazonS3/latest/userguide",
        "s3",
        "Amazon S3 User Guide",
    ),
    Guide(("iam-user-guide",), "IAM/latest/UserGuide", "iam", "IAM User Guide"),
    Guide(
        ("glue-developer-guide", "aws-glue-developer-guide"),
        "glue/latest/dg",
        "glue",
        "AWS Glue Developer Guide",
    ),
    Guide(
        ("cloudformation-user-guide", "aws-cloudformation-user-guide"),
        "AWSCloudFormation/latest/UserGuide",
        "cloudformation",
        "AWS CloudFormation User Guide",
    ),
    Guide(
        ("lambda-developer-guide", "aws-lambda-developer-guide"),
        "lambda/latest/dg",
        "lambda",
        "AWS Lambda Developer Guide",
    ),
    Guide(
        ("amazon-dynamodb-developer-guide", "dynamodb-developer-guide"),
        "amazondynamodb/latest/developerguide",
        "dynamodb",
        "Amazon DynamoDB Developer Guide",
    ),
    Guide(
        ("amazon-comprehend-developer-guide",),
        "comprehend/latest/dg",
        "comprehend",
        "Amazon Comprehend Developer Guide",
    ),
    Guide(
        ("amazon-rekognition-developer-guide",),
        "rekognition/latest/dg",
        "rekognition",
        "Amazon Rekognition Developer Guide",
    ),
    Guide(
        ("amazon-kinesis-data-streams-developer-guide",),
        "streams/latest/dev",
        "kinesis",
        "Amazon Kinesis Data Streams Developer Guide",
    ),
)


def guide_for_path(file: Path) -> Guide | None:
    parts = [part.lower() for part in file.parts[:-1]]
    for guide in GUIDES:
        if any(name in parts for name in guide.folder_names):
            return guide
    return None
