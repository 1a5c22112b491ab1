{% test row_rules(model, key=none, unique=[], not_null=[], accepted_values={}, ranges={}, references={}, expressions={}, shares=[], share_tolerance=0.01, parts=[], parts_tolerance=0) %}
{#- Every rule of one model in one test: the row-level rules in one scan (instead of one query per rule and
    column), uniqueness, shares and parts by one grouped query each. Returns one row per rule that fails,
    with the number of rows that break it (the rule's name says which
    column and which rule: `region_code references dim_regions`, `persons >= 0`, ...). Nulls pass every rule
    except not_null, as in dbt's own tests.
    key: columns whose combination must be unique; unique: columns each unique on its own;
    not_null: columns; accepted_values: {column: [values]}; ranges: {column: {min_value, max_value}};
    references: {column: relation} or {column: {to: relation, field: column}};
    expressions: {name: boolean SQL that must be true (null counts as false)};
    shares: [{column, group_by, where}]: within every group the shares (percent) add up to 100 within
    share_tolerance (groups whose shares are all empty pass); reported as `<column> by <group_by>` with the
    number of groups that do not;
    parts: [{name, value_column, part_column, total_member, group_by, where}]: in every group that has both
    a total row (part_column = total_member) and parts, the parts add up to the total within parts_tolerance;
    reported under the check's name with the number of groups that do not.
    `example` describes one offending group where a rule is about groups (shares, parts): its group_by values,
    then its numbers (`by_country, 2023, …: parts 83,036, total 9,293`); the publisher prints it when the
    build fails (python/warehouse/failed_tests.py). -#}
{%- set rules = [] -%}
{#- Uniqueness is checked by grouping, not by a window in the scan below: a hash aggregate of the key alone
    takes a third of the time of a window partitioned by it, which carries every flag of every row. -#}
{%- set unique_sets = [] -%}
{%- if key -%}
    {%- do unique_sets.append(('key (' ~ key | join(', ') ~ ') is unique', key, false)) -%}
{%- endif -%}
{%- for column in unique -%}
    {%- do unique_sets.append((column ~ ' is unique', [column], true)) -%}
{%- endfor -%}
{%- for column in not_null -%}
    {%- do rules.append((column ~ ' is not null', column ~ ' is null')) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}{%- do quoted.append("'" ~ value ~ "'") -%}{%- endfor -%}
    {%- do rules.append((column ~ ' in (' ~ values | join(', ') ~ ')',
        column ~ ' is not null and ' ~ column ~ ' not in (' ~ quoted | join(', ') ~ ')')) -%}
{%- endfor -%}
{%- for column, bounds in ranges.items() -%}
    {%- set conditions = [] -%}
    {%- if bounds.get('min_value') is not none -%}{%- do conditions.append(column ~ ' >= ' ~ bounds.min_value) -%}{%- endif -%}
    {%- if bounds.get('max_value') is not none -%}{%- do conditions.append(column ~ ' <= ' ~ bounds.max_value) -%}{%- endif -%}
    {%- do rules.append((conditions | join(' and '),
        column ~ ' is not null and not (' ~ conditions | join(' and ') ~ ')')) -%}
{%- endfor -%}
{%- for column, target in references.items() -%}
    {%- set is_spec = target is mapping and 'to' in target -%}
    {%- set to = target['to'] if is_spec else target -%}
    {%- set field = target['field'] if is_spec else column -%}
    {%- do rules.append((column ~ ' references ' ~ (to | string).split('.')[-1] | replace('"', '') ~ '.' ~ field,
        column ~ ' is not null and not exists (select 1 from ' ~ to ~ ' as referenced where referenced.'
        ~ field ~ ' = checked_rows.' ~ column ~ ')')) -%}
{%- endfor -%}
{%- for name, expression in expressions.items() -%}
    {%- do rules.append((name, 'not coalesce((' ~ expression ~ '), false)')) -%}
{%- endfor -%}

{%- if rules %}
with flagged as (
    select
    {%- for name, broken in rules %}
        ({{ broken }}) as "{{ name | replace('"', "'") }}"{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ model }} as checked_rows
),

counted as (
    select
    {%- for name, broken in rules %}
        count(*) filter (where "{{ name | replace('"', "'") }}") as "{{ name | replace('"', "'") }}"{{ ',' if not loop.last }}
    {%- endfor %}
    from flagged
)

select rule, failing_rows, cast(null as varchar) as example
from (unpivot counted on columns(*) into name rule value failing_rows)
where failing_rows > 0
{%- else %}
select cast(null as varchar) as rule, cast(null as bigint) as failing_rows, cast(null as varchar) as example
where false
{%- endif %}
{%- for name, columns, skip_nulls in unique_sets %}
union all
select '{{ name | replace("'", "''") }}' as rule, cast(sum(occurrences) as bigint) as failing_rows,
    cast(null as varchar) as example
from (
    select count(*) as occurrences
    from {{ model }}
    {%- if skip_nulls %}
    where {{ columns[0] }} is not null
    {%- endif %}
    group by {{ columns | join(', ') }}
    having count(*) > 1
) as repeated_keys
having count(*) > 0
{%- endfor %}
{%- for check in shares %}
union all
select '{{ check.column }} by {{ check.group_by | join(", ") }}' as rule, count(*) as failing_rows,
    min(example) as example
from (
    select concat_ws(', ', {{ check.group_by | join(', ') }}) || ': shares sum to '
        || cast(sum({{ check.column }}) as varchar) as example
    from {{ model }}
    {%- if check.where %}
    where {{ check.where }}
    {%- endif %}
    group by {{ check.group_by | join(', ') }}
    having count({{ check.column }}) > 0 and abs(sum({{ check.column }}) - 100) > {{ share_tolerance }}
) as failing_groups
having count(*) > 0
{%- endfor %}
{%- for check in parts %}
{%- set is_part = check.part_column ~ " <> '" ~ check.total_member ~ "'" %}
union all
select '{{ check.name }}' as rule, count(*) as failing_rows, min(example) as example
from (
    select
        concat_ws(', ', {{ check.group_by | join(', ') }})
        || ': parts ' || format('{:,}', sum({{ check.value_column }}) filter (where {{ is_part }}))
        || ', total ' || format('{:,}', min({{ check.value_column }}) filter (where not ({{ is_part }}))) as example
    from {{ model }}
    {%- if check.where %}
    where {{ check.where }}
    {%- endif %}
    group by {{ check.group_by | join(', ') }}
    having count(*) filter (where {{ is_part }}) > 0
        and count(*) filter (where not ({{ is_part }})) > 0
        and abs(sum({{ check.value_column }}) filter (where {{ is_part }})
            - min({{ check.value_column }}) filter (where not ({{ is_part }}))) > {{ parts_tolerance }}
) as failing_groups
having count(*) > 0
{%- endfor %}
{% endtest %}
