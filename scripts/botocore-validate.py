#!/usr/bin/env python3
"""Checks CloudFront JSON files against botocore's own service model, as the AWS CLI and boto3
would before sending them: a get-distribution(-config) output's DistributionConfig as
UpdateDistribution's input, and a get-*-policy output's config as the matching Update*Policy's.
Prints one line per file; exits 1 when any is refused."""
import json
import sys

import botocore.session
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters

model = botocore.session.get_session().get_service_model("cloudfront")
KINDS = {
    "CachePolicy": ("UpdateCachePolicy", "CachePolicyConfig"),
    "OriginRequestPolicy": ("UpdateOriginRequestPolicy", "OriginRequestPolicyConfig"),
    "ResponseHeadersPolicy": ("UpdateResponseHeadersPolicy", "ResponseHeadersPolicyConfig"),
}

failed = False
for path in sys.argv[1:]:
    with open(path) as handle:
        document = json.load(handle)
    etag = document.get("ETag", "E1")
    if "Distribution" in document or "DistributionConfig" in document or "Origins" in document:
        config = document.get("Distribution", document).get("DistributionConfig", document)
        operation, params = "UpdateDistribution", {"Id": "E1", "IfMatch": etag, "DistributionConfig": config}
    else:
        kind = next((key for key in KINDS if key in document), None)
        if kind is None:
            print(f"{path}: not a distribution or policy document")
            failed = True
            continue
        operation, member = KINDS[kind]
        params = {"Id": document[kind]["Id"], "IfMatch": etag, member: document[kind][member]}
    try:
        validate_parameters(params, model.operation_model(operation).input_shape)
        print(f"{path}: valid {operation} input")
    except ParamValidationError as error:
        print(f"{path}: refused as {operation} input: {error}")
        failed = True
sys.exit(1 if failed else 0)
