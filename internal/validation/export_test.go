package validation

// MatchApimachinery is matchApimachinery, for the external tests.
var MatchApimachinery = matchApimachinery
