enum _LambdaRuntimeTestsPlaceholder {}
