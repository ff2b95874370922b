using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.CircuitBreaker;

/// <summary>Turns the compiler's parsed circuitBreaker condition into a predicate over <see cref="BreakerMetrics"/> (cannot fail).</summary>
public static class BreakerPredicate
{
    public static Func<BreakerMetrics, bool> Compile(BreakerCondition condition) => condition switch
    {
        BreakerCondition.Or or => Or(Compile(or.Left), Compile(or.Right)),
        BreakerCondition.And and => And(Compile(and.Left), Compile(and.Right)),
        BreakerCondition.Comparison c => Compare(Metric(c.Metric), c.Operator, c.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, "unknown circuitBreaker condition"),
    };

    private static Func<BreakerMetrics, bool> Or(Func<BreakerMetrics, bool> l, Func<BreakerMetrics, bool> r) => m => l(m) || r(m);

    private static Func<BreakerMetrics, bool> And(Func<BreakerMetrics, bool> l, Func<BreakerMetrics, bool> r) => m => l(m) && r(m);

    private static Func<BreakerMetrics, bool> Compare(Func<BreakerMetrics, double> metric, BreakerOperator op, double value) => op switch
    {
        BreakerOperator.Greater => m => metric(m) > value,
        BreakerOperator.Less => m => metric(m) < value,
        BreakerOperator.GreaterOrEqual => m => metric(m) >= value,
        BreakerOperator.LessOrEqual => m => metric(m) <= value,
        BreakerOperator.Equal => m => metric(m) == value,
        _ => m => metric(m) != value,
    };

    private static Func<BreakerMetrics, double> Metric(BreakerMetric metric) => metric switch
    {
        BreakerMetric.NetworkErrorRatio => static m => m.NetworkErrorRatio(),
        BreakerMetric.ResponseCodeRatio r => m => m.ResponseCodeRatio(r.From, r.To, r.DividedFrom, r.DividedTo),
        BreakerMetric.LatencyAtQuantileMs q => m => m.LatencyAtQuantileMs(q.Quantile),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown circuitBreaker metric"),
    };
}
