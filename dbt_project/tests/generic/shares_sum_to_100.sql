{% test shares_sum_to_100(model, column_name, group_by, tolerance=0.01) %}
-- The shares (in percent) of the rows of every group must add up to 100 within tolerance (rounding of each
-- share). Groups whose shares are all empty (a zero total) pass: there is nothing to share out. Fails with
-- one row per group that does not add up.
with sums as (
    select
        {{ group_by | join(', ') }},
        count({{ column_name }}) as shares_present,
        sum({{ column_name }}) as shares_sum
    from {{ model }}
    group by {{ group_by | join(', ') }}
)

select *
from sums
where shares_present > 0
  and abs(shares_sum - 100) > {{ tolerance }}
{% endtest %}
