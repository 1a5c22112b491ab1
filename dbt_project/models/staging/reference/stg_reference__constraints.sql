-- Every published figure of data/reference/constraints.csv (press-quoted BNS releases, derived external balances
-- and the paper's own figures), read with fixed types so that a malformed row fails the build naming the line.
with source as (
    select * from read_csv(
        'data/reference/constraints.csv',
        header = true,
        auto_detect = false,
        strict_mode = true,
        columns = {
            'constraint_id': 'VARCHAR',
            'source_id': 'VARCHAR',
            'region_code': 'VARCHAR',
            'year': 'INTEGER',
            'months': 'VARCHAR',
            'population': 'VARCHAR',
            'direction_code': 'VARCHAR',
            'country_code': 'VARCHAR',
            'education_code': 'VARCHAR',
            'specialty_code': 'VARCHAR',
            'value': 'DOUBLE',
            'comparison': 'VARCHAR',
            'use': 'VARCHAR',
            'note': 'VARCHAR'
        }
    )
),

renamed as (
    select
        constraint_id,
        source_id,
        region_code,
        year,
        months,
        population as population_code,
        direction_code,
        country_code,
        education_code,
        specialty_code,
        value as figure_value,
        comparison as comparison_code,
        use as use_code,
        note
    from source
)

select * from renamed
